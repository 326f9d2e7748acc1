import { describe, expect, it } from 'vitest'
import type { AlertDto } from '../../../../../shared/contract/index.js'
import { muteChoices, muteText, stateText, timeAgo, untilText } from './alert-view.js'

const alert = (over: Partial<AlertDto> = {}): AlertDto => ({
  id: 'a', rule: 'container.exited', severity: 'warning', serverId: 's1', app: 'web', subject: 'web-1', title: 't', message: 'm',
  target: { kind: 'app', serverId: 's1', app: 'web' }, state: 'open', raisedAt: '2026-05-01T12:00:00Z', updatedAt: '2026-05-01T12:00:00Z', occurrences: 1, read: false, muted: false, ...over,
})

describe('notification centre wording', () => {
  it('says how long ago', () => {
    const at = Date.parse('2026-05-01T12:00:00Z')
    expect(timeAgo('2026-05-01T12:00:00Z', at + 10_000)).toBe('just now')
    expect(timeAgo('2026-05-01T12:00:00Z', at + 5 * 60_000)).toBe('5 min ago')
    expect(timeAgo('2026-05-01T12:00:00Z', at + 3 * 3_600_000)).toBe('3 h ago')
    expect(timeAgo('2026-05-01T12:00:00Z', at + 2 * 86_400_000)).toBe('2 d ago')
  })

  it('reads an alert state with its occurrences or how it ended', () => {
    expect(stateText(alert())).toBe('open')
    expect(stateText(alert({ occurrences: 4 }))).toBe('open · seen 4 times')
    expect(stateText(alert({ state: 'resolved', resolution: 'recovered' }))).toBe('recovered')
  })

  it('offers to mute the app and the server, for an hour, a day or until unmuted', () => {
    const choices = muteChoices(alert(), 'nas')
    expect(choices.map((c) => c.label)).toEqual([
      'Mute web for 1 hour', 'Mute web for 1 day', 'Mute web until unmuted', 'Mute nas for 1 hour', 'Mute nas for 1 day', 'Mute nas until unmuted',
    ])
    expect(choices[0]).toMatchObject({ serverId: 's1', app: 'web', minutes: 60 })
    expect(choices[5]).toEqual({ key: '*:forever', label: 'Mute nas until unmuted', serverId: 's1' })
    expect(muteChoices(alert({ app: undefined }), 'nas')).toHaveLength(3)
    // A job run without a server has nothing to mute.
    expect(muteChoices(alert({ serverId: undefined }), 'nas')).toEqual([])
  })

  it('describes a mute and do-not-disturb, with or without an end', () => {
    expect(untilText(undefined)).toBe('until turned off')
    expect(untilText('9999-12-31T23:59:59.999Z')).toBe('until turned off')
    expect(untilText(new Date(Date.now() + 60_000).toISOString())).toMatch(/^until \d/)
    expect(muteText({ serverId: 's1', app: 'web' }, 'nas')).toBe('web on nas — until turned off')
    expect(muteText({ serverId: 's1' }, 'nas')).toBe('nas — until turned off')
  })
})
