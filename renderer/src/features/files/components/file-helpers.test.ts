import { describe, expect, it } from 'vitest'
import type { JobDto } from '../../../../../shared/contract/index.js'
import { fromBase64, toBase64 } from './base64.js'
import { commandFor } from './file-keys.js'
import { editorLanguage } from '../../../ui/editor-language.js'
import { breadcrumbs, freeName, isImage, modeText, nameProblem, parentPath } from './file-paths.js'
import { transferBars } from './transfer-view.js'

describe('file paths', () => {
  it('walks up and splits into crumbs', () => {
    expect(parentPath('/srv/media/')).toBe('/srv')
    expect(parentPath('/srv')).toBe('/')
    expect(parentPath('/')).toBe('/')
    expect(breadcrumbs('/srv/a b').map((c) => c.path)).toEqual(['/', '/srv', '/srv/a b'])
  })

  it('finds a free name, explains bad ones, and reads the mode as ls does', () => {
    expect(freeName('report.pdf', new Set(['report (1).pdf']))).toBe('report (2).pdf')
    expect(freeName('.env', new Set())).toBe('.env (1)')
    expect(nameProblem('a/b')).toMatch(/“\/”/)
    expect(nameProblem('..')).toBeDefined()
    expect(nameProblem('-rf $(x);`y`')).toBeUndefined()
    expect(modeText({ mode: 0o755, type: 'dir' })).toBe('drwxr-xr-x')
    expect(modeText({ mode: 0o640, type: 'file' })).toBe('-rw-r-----')
  })

  it('picks the editor language and what previews as an image', () => {
    expect(editorLanguage('compose.YML')).toBe('yaml')
    expect(editorLanguage('package.json')).toBe('json')
    expect(editorLanguage('nginx.conf')).toBe('ini')
    expect(editorLanguage('README.md')).toBe('markdown')
    expect(editorLanguage('entrypoint.sh')).toBe('shell')
    expect(editorLanguage('.env')).toBe('shell')
    expect(editorLanguage('photo.jpeg')).toBe('plain')
    expect(isImage('a.JPEG')).toBe(true)
    expect(isImage('a.txt')).toBe(false)
  })
})

describe('keys', () => {
  it('maps the shortcuts, Ctrl and ⌘ alike', () => {
    expect(commandFor({ key: 'Delete' })).toBe('delete')
    expect(commandFor({ key: 'F2' })).toBe('rename')
    expect(commandFor({ key: 'Enter' })).toBe('open')
    expect(commandFor({ key: 'Backspace' })).toBe('up')
    expect(commandFor({ key: 'c', ctrlKey: true })).toBe('copy')
    expect(commandFor({ key: 'V', metaKey: true })).toBe('paste')
    expect(commandFor({ key: 'Backspace', metaKey: true })).toBe('delete')
    expect(commandFor({ key: 'ArrowDown', shiftKey: true })).toBe('extendNext')
    expect(commandFor({ key: 'x' })).toBeUndefined()
  })
})

describe('bytes and bars', () => {
  it('round-trips base64 beyond one slice', () => {
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 13) % 256)
    expect(Buffer.from(fromBase64(toBase64(bytes))).equals(Buffer.from(bytes))).toBe(true)
    expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'))
  })

  it('draws a job’s items with bytes, rate and time left', () => {
    const job: JobDto = {
      id: 'u',
      kind: 'upload',
      title: 'Upload',
      state: 'running',
      items: [{ key: 'total', label: '0 of 1 files', current: 512 * 1024, total: 1024 * 1024, unit: 'bytes', rate: 256 * 1024, etaSeconds: 2 }],
      log: [],
      startedAt: 'now',
    }
    const bars = transferBars({ id: 't', kind: 'upload', label: 'Upload a', phase: 'running', jobId: 'u' }, job)
    expect(bars).toEqual([{ key: 'total', label: '0 of 1 files', percent: 50, detail: '512.0 KiB of 1.0 MiB · 256.0 KiB/s · 2 s left' }])
    expect(transferBars({ id: 't', kind: 'upload', label: 'x', phase: 'preparing', pageBytes: { done: 1, total: 4 } }, undefined)[0].percent).toBe(25)
  })
})
