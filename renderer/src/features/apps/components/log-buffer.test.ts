import { describe, expect, it } from 'vitest'
import type { LogLineDto } from '../../../../../shared/contract/index.js'
import { highlightParts, LogBuffer } from './log-buffer.js'

function lines(count: number, from = 0): LogLineDto[] {
  return Array.from({ length: count }, (_, i) => ({
    service: (from + i) % 2 === 0 ? 'web' : 'db',
    stream: (from + i) % 5 === 0 ? 'stderr' : 'stdout',
    text: `line ${from + i}${(from + i) % 1000 === 0 ? ' ERROR disk full' : ''}`,
  }))
}

describe('log buffer', () => {
  it('holds 100k lines appended in batches and filters them by text, service and stream', () => {
    const buffer = new LogBuffer(200_000)
    for (let i = 0; i < 100; i++) buffer.append(lines(1000, i * 1000))
    expect(buffer.length).toBe(100_000)
    const errors = buffer.visible({ query: 'error DISK' })
    expect(errors).toHaveLength(100)
    expect(errors[1].text).toBe('line 1000 ERROR disk full')
    expect(buffer.visible({ service: 'db' })).toHaveLength(50_000)
    expect(buffer.visible({ stream: 'stderr' })).toHaveLength(20_000)
    expect(buffer.visible({ service: 'web', stream: 'stderr', query: 'error' })).toHaveLength(100)
    expect(buffer.services()).toEqual(['db', 'web'])
  })

  it('keeps only the newest lines past its cap, with stable increasing keys', () => {
    const buffer = new LogBuffer(1000)
    for (let i = 0; i < 30; i++) buffer.append(lines(100, i * 100))
    const shown = buffer.visible()
    expect(shown).toHaveLength(1000)
    expect(shown[0].text).toBe('line 2000 ERROR disk full')
    expect(shown.at(-1)?.text).toBe('line 2999')
    expect(shown.at(-1)!.seq - shown[0].seq).toBe(999)
    expect(buffer.length).toBe(1000)
    expect(buffer.dropped).toBeGreaterThanOrEqual(1900)
  })

  it('extends the filtered view with appended lines only, and drops trimmed ones from it', () => {
    const buffer = new LogBuffer(1000)
    buffer.append(lines(600))
    expect(buffer.visible({ service: 'web' })).toHaveLength(300)
    buffer.append(lines(600, 600))
    const web = buffer.visible({ service: 'web' })
    // 1,200 lines past a cap of 1,000 (in its grace margin): the oldest 200 are no longer shown.
    expect(web).toHaveLength(500)
    expect(web[0].text).toBe('line 200')
    expect(web.at(-1)?.text).toBe('line 1198')
    for (let i = 2; i < 30; i++) buffer.append(lines(100, 1200 + (i - 2) * 100))
    const later = buffer.visible({ service: 'web' })
    expect(later).toHaveLength(500)
    expect(later.at(-1)?.text).toBe('line 3998')
    expect(buffer.visible({ service: 'db' })).toHaveLength(500)
    expect(buffer.visible({ service: 'web', query: 'line 399' }).map((l) => l.text)).toEqual(['line 3990', 'line 3992', 'line 3994', 'line 3996', 'line 3998'])
  })

  it('gives the point a follow resumes after: the last time and how many lines share it', () => {
    const buffer = new LogBuffer()
    expect(buffer.resumePoint()).toBeUndefined()
    buffer.append([
      { service: 'web', stream: 'stdout', text: 'a', time: '2026-01-01T00:00:01.5Z' },
      { service: 'web', stream: 'stdout', text: 'b', time: '2026-01-01T00:00:02Z' },
      { service: 'web', stream: 'stdout', text: 'c', time: '2026-01-01T00:00:02Z' },
    ])
    expect(buffer.resumePoint()).toEqual({ time: '2026-01-01T00:00:02Z', seen: 2 })
  })

  it('splits a line around every case-insensitive match for highlighting', () => {
    expect(highlightParts('Error: an error', 'ERROR')).toEqual([
      { text: 'Error', match: true },
      { text: ': an ', match: false },
      { text: 'error', match: true },
    ])
    expect(highlightParts('plain', '')).toEqual([{ text: 'plain', match: false }])
    expect(highlightParts('aaa', 'aa')).toEqual([
      { text: 'aa', match: true },
      { text: 'a', match: false },
    ])
  })
})
