// `homeport mute`, `unmute` and `dnd` through the real command: the mutes and do-not-disturb land in the data
// dir, where the window's core (and so its tray and notifications) reads the same ones; bad input is refused
// with the flag named, and an unknown server by name.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AlertPrefsDto } from '../../../shared/contract/index.js'
import { useHomeServer } from '../../homeserver/helpers.js'
import { openTestCore } from '../core/test-core.js'
import { addHomeServer, cliSandbox, type CliSandbox } from './run-cli.js'

const hs = useHomeServer()

describe('homeport mute, unmute and dnd', () => {
  let cli: CliSandbox
  let serverId: string

  beforeAll(async () => {
    cli = cliSandbox()
    await addHomeServer(cli, hs, 'home')
    serverId = (await cli.json<{ id: string; name: string }[]>(['server', 'list'])).find((s) => s.name === 'home')!.id
  })
  afterAll(() => cli?.dispose())

  it('mutes a server and an app on it, for a while or until unmuted, and says so', async () => {
    const server = await cli.run(['mute', 'home'])
    expect(server.code).toBe(0)
    expect(server.stdout).toContain('Muted: home until turned off.')
    const before = Date.now()
    const prefs = await cli.json<AlertPrefsDto>(['mute', 'home', 'web', '--minutes', '60'])
    expect(prefs.mutes).toEqual(expect.arrayContaining([{ serverId }, { serverId, app: 'web', until: expect.any(String) }]))
    const until = Date.parse(prefs.mutes.find((m) => m.app === 'web')!.until!)
    expect(until - before).toBeGreaterThanOrEqual(59 * 60_000)
    expect(until - before).toBeLessThanOrEqual(61 * 60_000)
  })

  it("keeps them where the window's core reads them", async () => {
    const window = await openTestCore({ dataDir: cli.dataDir })
    try {
      const prefs = await window.call('alerts.prefs', {})
      expect(prefs.mutes.map((m) => m.app ?? '*').sort()).toEqual(['*', 'web'])
    } finally {
      await window.core.close()
    }
  })

  it('unmutes one app without touching the server mute', async () => {
    const prefs = await cli.json<AlertPrefsDto>(['unmute', 'home', 'web'])
    expect(prefs.mutes).toEqual([{ serverId }])
    expect((await cli.json<AlertPrefsDto>(['unmute', 'home'])).mutes).toEqual([])
    expect((await cli.run(['dnd'])).stdout).toContain('Nothing is muted.')
  })

  it('turns do-not-disturb on for a while, shows it, and off', async () => {
    const on = await cli.run(['dnd', 'on', '--minutes', '30'])
    expect(on.code).toBe(0)
    expect(on.stdout).toMatch(/^Do not disturb is on until \d{4}-\d\d-\d\d \d\d:\d\d\.$/m)
    expect((await cli.json<AlertPrefsDto>(['dnd'])).doNotDisturbUntil).toBeDefined()
    expect((await cli.run(['dnd', 'on'])).stdout).toContain('Do not disturb is on until turned off.')
    const off = await cli.json<AlertPrefsDto>(['dnd', 'off'])
    expect(off.doNotDisturbUntil).toBeUndefined()
  })

  it('refuses bad input, naming what to fix, and changes nothing', async () => {
    for (const args of [['dnd', 'maybe'], ['dnd', 'off', '--minutes', '5'], ['mute', 'home', '--minutes', '0'], ['mute', 'home', '--minutes', '1.5'], ['mute', 'home', '--minutes', '525601'], ['dnd', 'on', '--minutes', '525601']]) {
      const r = await cli.run(args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr, args.join(' ')).toMatch(/^error INVALID_INPUT: /)
    }
    const unknown = await cli.run(['mute', 'nope'])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toMatch(/nope/)
    expect(await cli.json<AlertPrefsDto>(['dnd'])).toEqual({ mutes: [] })
  })
})
