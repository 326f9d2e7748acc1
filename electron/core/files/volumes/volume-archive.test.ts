import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { entryData, readEntries, type TarInfo } from './tar-entries.js'
import { END_OF_ARCHIVE, headerBlocks, oneFileArchive, padding } from './tar-write.js'
import { inHelper, shown, volumePath } from './volume-path.js'

describe('volume paths', () => {
  it('stay inside the volume whatever the input', () => {
    expect(volumePath('../../etc/passwd')).toBe('/etc/passwd')
    expect(inHelper('../../etc/passwd')).toBe('/volume/etc/passwd')
    expect([inHelper('/'), inHelper(''), inHelper('a/b/')]).toEqual(['/volume', '/volume', '/volume/a/b'])
    expect(shown('data', 'conf/x')).toBe('data:/conf/x')
  })
})

describe('archives for volumes', () => {
  it('carry long, unicode and hostile names, links and data through a write and a read', async () => {
    // No newline: node-tar's reader splits PAX values at newlines (names with one pass only when short).
    const name = `${'ü'.repeat(80)} $(x) 'q' -rf`
    const data = Buffer.from('hello')
    const archive = Readable.from([
      Buffer.concat([
        headerBlocks({ path: 'dir/', type: 'Directory', mode: 0o750, uid: 5, gid: 6, mtime: new Date(1e12) }),
        headerBlocks({ path: `dir/${name}`, type: 'File', size: 5, mode: 0o600, uid: 5, gid: 6, mtime: new Date(1e12) }),
        data,
        padding(5),
        headerBlocks({ path: 'dir/link', type: 'SymbolicLink', linkpath: name, mode: 0o777, uid: 0, gid: 0, mtime: new Date(1e12) }),
        END_OF_ARCHIVE,
      ]),
    ])
    const seen: (TarInfo & { data?: string })[] = []
    await readEntries(archive, async (info, entry): Promise<'next'> => {
      seen.push({ ...info, ...(info.type === 'file' ? { data: (await entryData(entry)).toString() } : {}) })
      return 'next'
    })
    expect(seen.map((e) => [e.path, e.type, e.mode, e.uid])).toEqual([['dir', 'dir', 0o750, 5], [`dir/${name}`, 'file', 0o600, 5], ['dir/link', 'symlink', 0o777, 0]])
    expect(seen[1].data).toBe('hello')
    expect(seen[2].linkpath).toBe(name)
  })

  it('stops reading when told to', async () => {
    let count = 0
    await readEntries(oneFileArchive('a', Buffer.alloc(2000), { mode: 0o644, uid: 0, gid: 0 }), () => {
      count++
      return 'stop'
    })
    expect(count).toBe(1)
  })
})
