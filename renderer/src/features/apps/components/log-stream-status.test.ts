import { describe, expect, it } from 'vitest'
import { FOLLOWING, nextStreamStatus, type LogStreamStatus } from './log-stream-status.js'

const line = { service: 'web', stream: 'stdout' as const, text: 'hello' }
const lost = { code: 'HOST_KEY_MISMATCH' as const, message: 'The host key of nas changed.', hint: 'Replace the host key.' }

function replay(events: Parameters<typeof nextStreamStatus>[1][]): LogStreamStatus {
  return events.reduce(nextStreamStatus, FOLLOWING)
}

describe('log stream status', () => {
  it('shows reconnecting while the core waits for the server, and following once it resumes', () => {
    expect(replay([{ streamId: 's', lines: [line] }, { streamId: 's', lines: [], reconnecting: true }])).toEqual({ state: 'reconnecting' })
    expect(replay([{ streamId: 's', lines: [], reconnecting: true }, { streamId: 's', lines: [], reconnecting: false }])).toEqual(FOLLOWING)
    expect(replay([{ streamId: 's', lines: [], reconnecting: true }, { streamId: 's', lines: [line] }])).toEqual(FOLLOWING)
  })

  it('ends with the error that stopped it, and stays ended', () => {
    const ended = replay([{ streamId: 's', lines: [], reconnecting: true }, { streamId: 's', lines: [], ended: true, error: lost }])
    expect(ended).toEqual({ state: 'ended', error: lost })
    expect(nextStreamStatus(ended, { streamId: 's', lines: [line] })).toBe(ended)
    expect(replay([{ streamId: 's', lines: [], ended: true }])).toEqual({ state: 'ended' })
  })
})
