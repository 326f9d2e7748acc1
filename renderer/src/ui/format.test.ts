import { describe, expect, it } from 'vitest'
import { formatBytes, formatPort } from './format.js'

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
})
