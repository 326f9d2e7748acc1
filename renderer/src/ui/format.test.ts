import { describe, expect, it } from 'vitest'
import { formatBytes, formatPort, formatUptime } from './format.js'

describe('formatting', () => {
  it('formats bytes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(1536)).toBe('1.5 KiB')
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GiB')
    expect(formatBytes(-1)).toBe('–')
  })

  it('formats published and unpublished ports', () => {
    expect(formatPort({ ip: '0.0.0.0', privatePort: 80, publicPort: 8080, type: 'tcp' })).toBe('0.0.0.0:8080→80/tcp')
    expect(formatPort({ ip: '::', privatePort: 80, publicPort: 8080, type: 'tcp' })).toBe('[::]:8080→80/tcp')
    expect(formatPort({ privatePort: 53, type: 'udp' })).toBe('53/udp')
  })

  it('counts an uptime from the start time, so it ticks', () => {
    const start = '2026-01-01T10:00:00.123456789Z'
    const at = (s: number) => Date.parse('2026-01-01T10:00:00Z') + s * 1000
    expect(formatUptime(start, at(0))).toBe('Up 0 s')
    expect(formatUptime(start, at(42))).toBe('Up 41 s')
    expect(formatUptime(start, at(43))).toBe('Up 42 s')
    expect(formatUptime(start, at(3 * 60 + 12.5))).toBe('Up 3 min 12 s')
    expect(formatUptime(start, at(2 * 3600 + 5 * 60))).toBe('Up 2 h 4 min')
    expect(formatUptime(start, at(3 * 86_400 + 4 * 3600 + 1))).toBe('Up 3 days 4 h')
    expect(formatUptime('not a time', at(1))).toBe('')
  })
})
