import { describe, expect, it } from 'vitest'
import { LogDemuxer } from './app-logs.js'
import { envFileText, envValues, randomPassword, resolveValues } from './app-values.js'
import { applyMirror, imageRegistry } from '../compose/engine/image-mirror.js'
import type { CatalogVariable } from './catalog/types.js'

const v = (name: string, extra: Partial<CatalogVariable> = {}): CatalogVariable => ({ name, label: name, type: 'string', secret: false, ...extra })

describe('app values', () => {
  it('generates a fresh letters-and-digits password for each secret and keeps a previous one', () => {
    const a = randomPassword()
    expect(a).toMatch(/^[A-Za-z0-9]{24}$/)
    expect(randomPassword()).not.toBe(a)
    const first = resolveValues([v('DB_PASSWORD', { secret: true }), v('PORT', { type: 'port', default: '8080' })], {}, { TZ: 'UTC' })
    expect(first.secrets).toEqual(['DB_PASSWORD'])
    expect(first.values).toMatchObject({ PORT: '8080', TZ: 'UTC' })
    const again = resolveValues([v('DB_PASSWORD', { secret: true })], {}, {}, { DB_PASSWORD: first.values.DB_PASSWORD })
    expect(again.values.DB_PASSWORD).toBe(first.values.DB_PASSWORD)
  })

  it('names every invalid value', () => {
    expect(() => resolveValues([v('PORT', { type: 'port' })], { PORT: '99999' }, {})).toThrow(/PORT \(PORT\) must be a port number/)
    expect(() => resolveValues([v('ON', { type: 'boolean' })], { ON: 'yes' }, {})).toThrow(/true or false/)
    expect(() => resolveValues([v('M', { type: 'select', options: ['a', 'b'] })], { M: 'c' }, {})).toThrow(/one of a, b/)
    expect(() => resolveValues([], { 'bad-name': 'x' }, {})).toThrow(/not a variable name/)
  })

  it('writes .env values that Compose reads back exactly, quotes, dollars and spaces included', () => {
    const values = { PLAIN: 'abc123', SPACE: 'two words', DOLLAR: 'pa$$word', QUOTE: "it's", BOTH: `it's "x" $HOME`, EMPTY: '' }
    expect(envValues(envFileText(values))).toEqual(values)
  })

  it('keeps a carriage return in a value rather than turning it into a line break', () => {
    const values = { CR: 'a\rb', CRLF: 'line1\r\nline2', QUOTED_CR: "it's\r" }
    expect(envValues(envFileText(values))).toEqual(values)
    expect(envFileText(values)).not.toMatch(/\r/)
  })
})

describe('registry mirror', () => {
  it('rewrites Docker Hub references only', () => {
    expect(imageRegistry('nginx')).toEqual({ registry: 'docker.io', path: 'nginx' })
    expect(applyMirror('nginx:1.27', 'mirror.lan:5000')).toBe('mirror.lan:5000/library/nginx:1.27')
    expect(applyMirror('docker.io/jellyfin/jellyfin:10', 'mirror.lan')).toBe('mirror.lan/jellyfin/jellyfin:10')
    expect(applyMirror('index.docker.io/library/redis:7', 'm')).toBe('m/library/redis:7')
    expect(applyMirror('ghcr.io/home-assistant/home-assistant:2025.7', 'm')).toBe('ghcr.io/home-assistant/home-assistant:2025.7')
    expect(applyMirror('localhost/x:1', 'm')).toBe('localhost/x:1')
    expect(applyMirror('nginx', undefined)).toBe('nginx')
  })
})

describe('log demultiplexing', () => {
  const frame = (stream: 1 | 2, text: string) => {
    const payload = Buffer.from(text)
    const header = Buffer.alloc(8)
    header[0] = stream
    header.writeUInt32BE(payload.length, 4)
    return Buffer.concat([header, payload])
  }

  it('reassembles frames split across chunks and lines split across frames', () => {
    const lines: string[] = []
    const demux = new LogDemuxer(false, (s, l) => lines.push(`${s}:${l}`))
    const all = Buffer.concat([frame(1, 'hel'), frame(1, 'lo\nwor'), frame(2, 'oops\r\n'), frame(1, 'ld\n'), frame(1, 'tail')])
    for (let i = 0; i < all.length; i += 3) demux.push(all.subarray(i, i + 3))
    demux.end()
    expect(lines).toEqual(['stdout:hello', 'stderr:oops', 'stdout:world', 'stdout:tail'])
  })

  it('treats a TTY stream as plain stdout text', () => {
    const lines: string[] = []
    const demux = new LogDemuxer(true, (s, l) => lines.push(`${s}:${l}`))
    demux.push(Buffer.from('a\nb'))
    demux.push(Buffer.from('c\n'))
    expect(lines).toEqual(['stdout:a', 'stdout:bc'])
  })
})
