import { describe, expect, it } from 'vitest'
import type { FileEntryDto, FileListDto } from '../../../../shared/contract/files.js'
import type { JobDto } from '../../../../shared/contract/index.js'
import { useFakeBridge } from '../../api/fake-bridge.test-support.js'
import { useFilesStore } from './store.js'
import { useTransfersStore } from './transfers-store.js'

function entry(name: string, type: FileEntryDto['type'] = 'file', folder = '/home/me'): FileEntryDto {
  return { name, path: `${folder}/${name}`, type, size: name.length, mode: 0o644, uid: 1000, gid: 1000, owner: 'me', group: 'me', mtimeMs: 0 }
}
function listing(path: string, names: string[]): FileListDto {
  return { path, entries: names.map((n) => entry(n, n.endsWith('/') ? 'dir' : 'file', path)).map((e) => (e.type === 'dir' ? { ...e, name: e.name.slice(0, -1), path: e.path.slice(0, -1) } : e)) }
}
function copyJob(id: string, state: JobDto['state']): JobDto {
  return { id, kind: 'copy', title: 'Copy', state, items: [], log: [], startedAt: 'now' }
}

const bridge = useFakeBridge()
const at = { serverId: 's1' }

describe('files store', () => {
  it('opens the home folder first, lists it sorted with folders first, and hides dot files until asked', async () => {
    bridge.answer('files.home', '/home/me')
    bridge.answer('files.list', listing('/home/me', ['b.txt', '.env', 'a10.txt', 'a9.txt', 'docs/']))
    const files = useFilesStore()
    expect(await files.open(at)).toBe(true)
    expect(files.path).toBe('/home/me')
    expect(files.visible.map((e) => e.name)).toEqual(['docs', 'a9.txt', 'a10.txt', 'b.txt'])
    files.showHidden = true
    expect(files.visible.map((e) => e.name)).toContain('.env')
    files.setSort('name')
    expect(files.visible.map((e) => e.name)).toEqual(['docs', 'b.txt', 'a10.txt', 'a9.txt', '.env'])
  })

  it('opens a volume at its root without asking for a home, and passes the volume on every call', async () => {
    bridge.answer('files.list', listing('/', ['app.yml']))
    const files = useFilesStore()
    await files.open({ serverId: 's1', volume: 'data' })
    expect(bridge.calls.map((c) => c.method)).toEqual(['files.list'])
    bridge.answer('files.mkdir', entry('new', 'dir', ''))
    await files.makeFolder('new')
    expect(bridge.calls.find((c) => c.method === 'files.mkdir')?.input).toEqual({ serverId: 's1', volume: 'data', path: '/new' })
  })

  it('keeps the folder shown when another cannot be opened, with the error', async () => {
    bridge.answer('files.list', listing('/home/me', ['a']))
    const files = useFilesStore()
    await files.open(at, '/home/me')
    bridge.fail('files.list', { code: 'PERMISSION_DENIED', message: 'The SSH user may not list /root on home.', hint: 'Pick another.' })
    expect(await files.open(at, '/root')).toBe(false)
    expect(files.path).toBe('/home/me')
    expect(files.entries.map((e) => e.name)).toEqual(['a'])
    expect(files.listing.error?.code).toBe('PERMISSION_DENIED')
  })

  it('selects one, toggles with Ctrl, extends with Shift, and forgets entries that are gone after a refresh', async () => {
    bridge.answer('files.list', listing('/home/me', ['a', 'b', 'c', 'd']))
    const files = useFilesStore()
    await files.open(at, '/home/me')
    files.select('/home/me/a')
    files.select('/home/me/c', 'range')
    expect([...files.selected]).toEqual(['/home/me/a', '/home/me/b', '/home/me/c'])
    files.select('/home/me/b', 'toggle')
    expect([...files.selected].sort()).toEqual(['/home/me/a', '/home/me/c'])
    bridge.answer('files.list', listing('/home/me', ['a', 'b', 'd']))
    await files.refresh()
    expect([...files.selected]).toEqual(['/home/me/a'])
  })

  it('renames within the folder without overwriting, and deletes folders recursively with the path repeated as confirmation', async () => {
    bridge.answer('files.list', listing('/home/me', ['a.txt', 'dir/']))
    const files = useFilesStore()
    await files.open(at, '/home/me')
    bridge.answer('files.move', entry('b.txt'))
    expect(await files.rename(files.entries[0], 'b.txt')).toBe(true)
    expect(bridge.calls.find((c) => c.method === 'files.move')?.input).toEqual({ serverId: 's1', from: '/home/me/a.txt', to: '/home/me/b.txt', overwrite: false })
    expect([...files.selected]).toEqual(['/home/me/b.txt'])
    bridge.answer('files.remove', undefined)
    expect(await files.remove(files.entries)).toBe(true)
    const removes = bridge.calls.filter((c) => c.method === 'files.remove').map((c) => c.input)
    expect(removes).toEqual([
      { serverId: 's1', path: '/home/me/a.txt', recursive: false },
      { serverId: 's1', path: '/home/me/dir', recursive: true, confirm: '/home/me/dir' },
    ])
  })

  it('shows a refused rename as the action error and reports failure', async () => {
    bridge.answer('files.list', listing('/home/me', ['a', 'b']))
    const files = useFilesStore()
    await files.open(at, '/home/me')
    bridge.fail('files.move', { code: 'NAME_CLASH', message: 'A file named /home/me/b already exists on home.', hint: 'Choose another name.' })
    expect(await files.rename(files.entries[0], 'b')).toBe(false)
    expect(files.action.error?.code).toBe('NAME_CLASH')
  })

  it('pastes as copy jobs on the server, asking for taken names and keeping both in the source folder', async () => {
    bridge.answer('files.list', listing('/home/me', ['a.txt', 'b.txt']))
    const files = useFilesStore()
    await files.open(at, '/home/me')
    files.select('/home/me/a.txt')
    files.select('/home/me/b.txt', 'toggle')
    expect(files.copySelection()).toBe(2)
    // Same folder: both keep their names, the copies get new ones, and nobody is asked.
    let n = 0
    bridge.answer('files.copy', () => ({ jobId: `c${++n}` }))
    bridge.answer('jobs.get', (input) => copyJob(input.id, 'succeeded'))
    const asked: string[] = []
    await files.paste(async (name) => (asked.push(name), { action: 'overwrite', all: false }))
    expect(asked).toEqual([])
    expect(bridge.calls.filter((c) => c.method === 'files.copy').map((c) => c.input)).toEqual([
      { serverId: 's1', from: '/home/me/a.txt', to: '/home/me/a (1).txt', overwrite: false },
      { serverId: 's1', from: '/home/me/b.txt', to: '/home/me/b (1).txt', overwrite: false },
    ])
    expect(useTransfersStore().list.map((t) => t.kind)).toEqual(['copy', 'copy'])

    // Another folder where both names are taken: one question, answered for all.
    bridge.answer('files.list', listing('/srv', ['a.txt', 'b.txt']))
    await files.open(at, '/srv')
    bridge.calls.length = 0
    await files.paste(async (name) => (asked.push(name), { action: 'skip', all: true }))
    expect(asked).toEqual(['a.txt'])
    expect(bridge.calls.filter((c) => c.method === 'files.copy')).toEqual([])
  })

  it('refuses to paste into a volume or another server, saying why', async () => {
    bridge.answer('files.list', listing('/home/me', ['a']))
    const files = useFilesStore()
    expect(files.pasteProblem).toMatch(/Nothing is copied/)
    await files.open(at, '/home/me')
    files.select('/home/me/a')
    files.copySelection()
    expect(files.pasteProblem).toBeUndefined()
    await files.open({ serverId: 's2' }, '/home/me')
    expect(files.pasteProblem).toMatch(/within one server/)
    await files.open({ serverId: 's1', volume: 'v' }, '/')
    expect(files.pasteProblem).toMatch(/volume/)
    expect(await files.paste(async () => undefined)).toEqual([])
  })
})
