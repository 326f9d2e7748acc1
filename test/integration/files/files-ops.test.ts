// The files domain on the server's filesystem, through the core's dispatch: listing (10,000 entries, a
// symlink loop), stat, mkdir -p, move, copy as a job, chmod/chown, remove with confirmation, and text
// edits refused when the file changed since it was opened.

import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { CopyJobResult, FileChangedDetails } from '../../../shared/contract/index.js'
import { homeportFailure, useHomeServer } from '../../homeserver/helpers.js'
import { asUser, finished, useFilesServer } from './files-fixture.js'

const hs = useHomeServer()
const fx = useFilesServer(hs)
const serverId = 'home'


describe('files on the server', () => {
  it('lists a folder with types, modes, owners, times and symlink targets, and stats one entry', async () => {
    const dir = path.join(fx.remote, 'list')
    asUser(hs, ['mkdir', dir, path.join(dir, 'sub')])
    asUser(hs, ['sh', '-c', 'printf hello > "$1" && chmod 640 "$1" && ln -s "$2" "$3"', 'sh', path.join(dir, 'a.txt'), 'a.txt', path.join(dir, 'link')])
    const list = await fx.t.call('files.list', { serverId, path: dir })
    const byName = Object.fromEntries(list.entries.map((e) => [e.name, e]))
    expect(Object.keys(byName).sort()).toEqual(['a.txt', 'link', 'sub'])
    expect(byName['a.txt']).toMatchObject({ type: 'file', size: 5, mode: 0o640, owner: hs.user, group: hs.user, path: path.join(dir, 'a.txt') })
    expect(Math.abs(byName['a.txt'].mtimeMs - statSync(path.join(dir, 'a.txt')).mtimeMs)).toBeLessThan(1500)
    expect(byName.link).toMatchObject({ type: 'symlink', target: 'a.txt' })
    expect(byName.sub.type).toBe('dir')
    expect(await fx.t.call('files.stat', { serverId, path: path.join(dir, 'link') })).toMatchObject({ type: 'symlink', target: 'a.txt', owner: hs.user })
    const home = await fx.t.call('files.home', { serverId })
    expect(await fx.t.call('files.stat', { serverId, path: path.relative(home, path.join(dir, 'a.txt')) })).toMatchObject({ size: 5 })
    expect((await homeportFailure(fx.t.call('files.stat', { serverId, path: path.join(dir, 'nope') }))).code).toBe('NOT_FOUND')
  })

  // How fast, against `sftp ls`, is `npm run bench:files`'s to say.
  it('lists 10,000 entries in one call', async () => {
    const dir = path.join(fx.remote, 'many')
    asUser(hs, ['sh', '-c', 'mkdir "$1" && cd "$1" && i=0; while [ $i -lt 10000 ]; do : > "file-$i.txt"; i=$((i+1)); done', 'sh', dir])
    const list = await fx.t.call('files.list', { serverId, path: dir })
    expect(list.entries).toHaveLength(10_000)
    expect(new Set(list.entries.map((e) => e.name)).size).toBe(10_000)
  })

  it('lists and stats a symlink loop without following it', async () => {
    const dir = path.join(fx.remote, 'loop')
    asUser(hs, ['sh', '-c', 'mkdir "$1" && cd "$1" && ln -s b a && ln -s a b && ln -s . self', 'sh', dir])
    const list = await fx.t.call('files.list', { serverId, path: dir })
    expect(list.entries.map((e) => [e.name, e.type, e.target]).sort()).toEqual([['a', 'symlink', 'b'], ['b', 'symlink', 'a'], ['self', 'symlink', '.']])
    expect(await fx.t.call('files.stat', { serverId, path: path.join(dir, 'a') })).toMatchObject({ type: 'symlink', target: 'b' })
  })

  it('makes folders with their parents, moves and refuses a taken name unless asked to overwrite', async () => {
    const deep = path.join(fx.remote, 'm/n/o')
    expect(await fx.t.call('files.mkdir', { serverId, path: deep })).toMatchObject({ type: 'dir', path: deep })
    expect((await fx.t.call('files.mkdir', { serverId, path: deep })).type).toBe('dir')
    asUser(hs, ['sh', '-c', 'echo one > "$1/one" && echo two > "$1/two"', 'sh', deep])
    const clash = await homeportFailure(fx.t.call('files.move', { serverId, from: path.join(deep, 'one'), to: path.join(deep, 'two') }))
    expect(clash.code).toBe('NAME_CLASH')
    expect(clash.message).toContain(path.join(deep, 'two'))
    await fx.t.call('files.move', { serverId, from: path.join(deep, 'one'), to: path.join(deep, 'two'), overwrite: true })
    expect(readFileSync(path.join(deep, 'two'), 'utf8')).toBe('one\n')
    const moved = await fx.t.call('files.move', { serverId, from: path.join(fx.remote, 'm/n'), to: path.join(fx.remote, 'm/renamed') })
    expect(moved).toMatchObject({ type: 'dir', name: 'renamed' })
    // Across filesystems (home on disk, /dev/shm on tmpfs) SFTP's rename fails and mv takes over.
    const away = `/dev/shm/homeport-files-move-${process.pid}`
    asUser(hs, ['mkdir', away])
    try {
      await fx.t.call('files.move', { serverId, from: path.join(fx.remote, 'm/renamed/o/two'), to: `${away}/two` })
      expect(readFileSync(`${away}/two`, 'utf8')).toBe('one\n')
    } finally {
      execFileSync('rm', ['-rf', away])
    }
    const clashWithFile = await homeportFailure(fx.t.call('files.mkdir', { serverId, path: path.join(fx.remote, 'm/renamed/o') + '/../../../list/a.txt/x' }))
    expect(clashWithFile.code).toBe('NAME_CLASH')
  })

  it('copies a folder on the server as a job, links kept as links, modes kept', async () => {
    const src = path.join(fx.remote, 'copy-src')
    asUser(hs, ['sh', '-c', 'mkdir -p "$1/inner" && head -c 300000 /dev/urandom > "$1/inner/blob" && chmod 600 "$1/inner/blob" && ln -s inner/blob "$1/link"', 'sh', src])
    const job = await finished(fx.t, fx.t.call('files.copy', { serverId, from: src, to: path.join(fx.remote, 'copy-dst') }))
    expect(job.state).toBe('succeeded')
    expect(job.result as CopyJobResult).toMatchObject({ from: src, to: path.join(fx.remote, 'copy-dst') })
    expect((job.result as CopyJobResult).bytes).toBeGreaterThan(290_000)
    expect(readFileSync(path.join(fx.remote, 'copy-dst/inner/blob'))).toEqual(readFileSync(path.join(src, 'inner/blob')))
    expect(statSync(path.join(fx.remote, 'copy-dst/inner/blob')).mode & 0o777).toBe(0o600)
    expect(readlinkSync(path.join(fx.remote, 'copy-dst/link'))).toBe('inner/blob')
    const again = await finished(fx.t, fx.t.call('files.copy', { serverId, from: src, to: path.join(fx.remote, 'copy-dst') }))
    expect(again.state).toBe('failed')
    expect(again.error?.code).toBe('NAME_CLASH')
    expect(execFileSync('ls', ['-A', fx.remote], { encoding: 'utf8' })).not.toContain('.homeport-')
  })

  it('changes mode and owner, one entry or a whole tree', async () => {
    const dir = path.join(fx.remote, 'access')
    asUser(hs, ['sh', '-c', 'mkdir -p "$1/in" && echo x > "$1/in/f"', 'sh', dir])
    await fx.t.call('files.chmod', { serverId, path: path.join(dir, 'in/f'), mode: 0o600 })
    expect(statSync(path.join(dir, 'in/f')).mode & 0o7777).toBe(0o600)
    await fx.t.call('files.chmod', { serverId, path: dir, mode: 0o750, recursive: true })
    expect(statSync(path.join(dir, 'in/f')).mode & 0o7777).toBe(0o750)
    await fx.t.call('files.chown', { serverId, path: dir, group: hs.user, recursive: true })
    const refused = await homeportFailure(fx.t.call('files.chown', { serverId, path: path.join(dir, 'in/f'), owner: 'root' }))
    expect(refused.code).toBe('PERMISSION_DENIED')
    expect(refused.message).toContain(path.join(dir, 'in/f'))
  })

  it('removes a file, an empty folder, and a full folder only with its path repeated', async () => {
    const dir = path.join(fx.remote, 'rm')
    asUser(hs, ['sh', '-c', 'mkdir -p "$1/full/deep" "$1/empty" && echo x > "$1/full/deep/f" && echo y > "$1/file"', 'sh', dir])
    await fx.t.call('files.remove', { serverId, path: path.join(dir, 'file') })
    await fx.t.call('files.remove', { serverId, path: path.join(dir, 'empty') })
    expect((await homeportFailure(fx.t.call('files.remove', { serverId, path: path.join(dir, 'full') }))).code).toBe('INVALID_INPUT')
    expect((await homeportFailure(fx.t.call('files.remove', { serverId, path: path.join(dir, 'full'), recursive: true, confirm: 'full' }))).code).toBe('INVALID_INPUT')
    await fx.t.call('files.remove', { serverId, path: path.join(dir, 'full'), recursive: true, confirm: path.join(dir, 'full') })
    expect(execFileSync('ls', ['-A', dir], { encoding: 'utf8' })).toBe('')
    const home = await fx.t.call('files.home', { serverId })
    expect((await homeportFailure(fx.t.call('files.remove', { serverId, path: home, recursive: true, confirm: home }))).code).toBe('INVALID_INPUT')
  })

  it('writes text back only over the version it was opened with', async () => {
    const file = path.join(fx.remote, 'edit.yml')
    asUser(hs, ['sh', '-c', 'printf "a: 1\\n" > "$1" && chmod 640 "$1"', 'sh', file])
    const opened = await fx.t.call('files.readText', { serverId, path: file })
    expect(opened).toMatchObject({ content: 'a: 1\n', mode: 0o640, version: { size: 5 } })
    const saved = await fx.t.call('files.writeText', { serverId, path: file, content: 'a: 2\n', expected: opened.version })
    expect(readFileSync(file, 'utf8')).toBe('a: 2\n')
    expect(statSync(file).mode & 0o777).toBe(0o640)
    expect(statSync(file).uid).toBe(Number(asUser(hs, ['id', '-u']).trim()))
    // Someone else edits within the same second and to the same size: only the sha256 tells.
    asUser(hs, ['sh', '-c', 'printf "a: 3\\n" > "$1"', 'sh', file])
    const refused = await homeportFailure(fx.t.call('files.writeText', { serverId, path: file, content: 'a: 4\n', expected: saved }))
    expect(refused.code).toBe('FILE_CHANGED')
    expect(refused.message).toContain(file)
    const details = JSON.parse(refused.details!) as FileChangedDetails
    expect(details.opened).toEqual(saved)
    expect(details.current).toMatchObject({ size: 5 })
    expect(details.current!.sha256).not.toBe(saved.sha256)
    expect(readFileSync(file, 'utf8')).toBe('a: 3\n')
    // A new file must not exist yet.
    expect((await homeportFailure(fx.t.call('files.writeText', { serverId, path: file, content: 'x', expected: null }))).code).toBe('FILE_CHANGED')
    await fx.t.call('files.writeText', { serverId, path: path.join(fx.remote, 'new.txt'), content: 'fresh', expected: null })
    expect(readFileSync(path.join(fx.remote, 'new.txt'), 'utf8')).toBe('fresh')
    writeFileSync(path.join(fx.remote, 'bin'), Buffer.from([0, 1, 2, 255]))
    expect((await homeportFailure(fx.t.call('files.readText', { serverId, path: path.join(fx.remote, 'bin') }))).code).toBe('NOT_TEXT')
    expect(await fx.t.call('files.sha256', { serverId, path: file })).toBe(execFileSync('sha256sum', [file], { encoding: 'utf8' }).slice(0, 64))
  })
})

describe('where the SSH user may not write', () => {
  it('refuses with PERMISSION_DENIED naming the path, and changes nothing', async () => {
    const locked = path.join(fx.remote, 'locked')
    mkdirSync(path.join(locked, 'tree/inner'), { recursive: true })
    writeFileSync(path.join(locked, 'keep.txt'), 'keep\n')
    writeFileSync(path.join(locked, 'tree/inner/f'), 'f\n')
    // The folder and the file belong to root; `tree` is the user's but holds a root-owned folder.
    execFileSync('chown', [`${hs.user}:${hs.user}`, path.join(locked, 'tree')])
    symlinkSync('keep.txt', path.join(locked, 'keep-link'))
    const before = execFileSync('ls', ['-laR', '--time-style=full-iso', locked], { encoding: 'utf8' })
    const opened = await fx.t.call('files.readText', { serverId, path: path.join(locked, 'keep.txt') })

    const checks: [() => Promise<unknown>, string][] = [
      [() => fx.t.call('files.writeText', { serverId, path: path.join(locked, 'keep.txt'), content: 'changed', expected: opened.version }), path.join(locked, 'keep.txt')],
      [() => fx.t.call('files.writeText', { serverId, path: path.join(locked, 'new.txt'), content: 'new', expected: null }), path.join(locked, 'new.txt')],
      [() => fx.t.call('files.mkdir', { serverId, path: path.join(locked, 'sub') }), path.join(locked, 'sub')],
      [() => fx.t.call('files.remove', { serverId, path: path.join(locked, 'keep.txt') }), path.join(locked, 'keep.txt')],
      [() => fx.t.call('files.move', { serverId, from: path.join(locked, 'keep.txt'), to: path.join(locked, 'moved.txt') }), path.join(locked, 'keep.txt')],
      [() => fx.t.call('files.chmod', { serverId, path: path.join(locked, 'keep.txt'), mode: 0o777 }), path.join(locked, 'keep.txt')],
      [() => fx.t.call('files.remove', { serverId, path: path.join(locked, 'tree'), recursive: true, confirm: path.join(locked, 'tree') }), locked],
    ]
    for (const [call, named] of checks) {
      const err = await homeportFailure(call())
      expect(err.code, err.message).toBe('PERMISSION_DENIED')
      expect(err.message).toContain(named)
      expect(err.hint).toBeTruthy()
    }
    const upload = await finished(fx.t, (() => {
      writeFileSync(path.join(fx.local, 'up.txt'), 'up')
      return fx.t.call('files.upload', { serverId, sources: [path.join(fx.local, 'up.txt')], destination: locked })
    })())
    expect(upload.state).toBe('failed')
    expect(upload.error?.code).toBe('PERMISSION_DENIED')
    expect(upload.error?.message).toContain(path.join(locked, 'up.txt'))
    const loose = Array.from({ length: 20 }, (_, i) => path.join(fx.local, `loose-${i}.txt`))
    for (const f of loose) writeFileSync(f, 'loose')
    const batch = await finished(fx.t, fx.t.call('files.upload', { serverId, sources: loose, destination: locked }))
    expect(batch.error?.code).toBe('PERMISSION_DENIED')
    expect(batch.error?.message).toContain(path.join(locked, 'loose-0.txt'))
    expect(execFileSync('ls', ['-laR', '--time-style=full-iso', locked], { encoding: 'utf8' })).toBe(before)

    // A tree the user owns, with one folder inside that is root's: nothing of it goes.
    const tree = path.join(fx.remote, 'mixed')
    asUser(hs, ['sh', '-c', 'mkdir -p "$1/a" "$1/b" && echo 1 > "$1/a/one" && echo 2 > "$1/b/two"', 'sh', tree])
    execFileSync('chown', ['root:root', path.join(tree, 'b')])
    const whole = execFileSync('find', [tree], { encoding: 'utf8' })
    const err = await homeportFailure(fx.t.call('files.remove', { serverId, path: tree, recursive: true, confirm: tree }))
    expect(err.code).toBe('PERMISSION_DENIED')
    expect(err.message).toContain(path.join(tree, 'b'))
    expect(execFileSync('find', [tree], { encoding: 'utf8' })).toBe(whole)
  })
})
