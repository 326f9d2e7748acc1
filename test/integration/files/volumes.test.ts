// Files inside a named Docker volume, through the archive API of a short-lived helper container, where the
// SSH user cannot read /var/lib/docker: browse, stat, read, edit (with the change check), upload, download,
// mkdir, move and remove — and no helper container is left behind.

import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { docker, homeportFailure, removeTestContainers, useHomeServer } from '../../homeserver/helpers.js'
import { finished, resultOf, useFilesServer } from './files-fixture.js'

const hs = useHomeServer()
const fx = useFilesServer(hs)
const serverId = 'home'
const VOLUME = `hpfiles-${randomBytes(3).toString('hex')}`
const HOSTILE = `odd $(touch x) 'n\u00e4me'`

/** Runs a shell line in a throwaway container with the volume at /data (the test's own view of it). */
function inVolume(script: string): Promise<string> {
  return docker(['run', '--rm', '--network', 'none', '-v', `${VOLUME}:/data`, hs.images[0], 'sh', '-c', script])
}


beforeAll(async () => {
  await docker(['volume', 'create', VOLUME])
  await inVolume('mkdir -p /data/conf && printf "port: 80\\n" > /data/conf/app.yml && chown -R 1234:1234 /data/conf && chmod 600 /data/conf/app.yml && ln -s conf/app.yml /data/link')
  await fx.t.call('settings.set', { key: 'files.volumeHelperImage', value: hs.images[0] })
})

afterAll(async () => {
  await removeTestContainers(VOLUME)
})

async function helpersLeft(): Promise<string> {
  return (await docker(['ps', '-a', '--filter', 'label=io.homeport.helper', '--format', '{{.Names}}'])).trim()
}

describe('files in a Docker volume', () => {
  it('is out of reach of the SSH user on disk', async () => {
    const mountpoint = (await docker(['volume', 'inspect', '--format', '{{.Mountpoint}}', VOLUME])).trim()
    expect((await homeportFailure(fx.t.call('files.list', { serverId, path: mountpoint }))).code).toBe('PERMISSION_DENIED')
    expect((await fx.t.call('files.volumes', { serverId })).map((v) => v.name)).toContain(VOLUME)
  })

  it('lists, stats and reads through a helper container', async () => {
    const root = await fx.t.call('files.list', { serverId, volume: VOLUME, path: '/' })
    const byName = Object.fromEntries(root.entries.map((e) => [e.name, e]))
    expect(Object.keys(byName).sort()).toEqual(['conf', 'link'])
    expect(byName.conf).toMatchObject({ type: 'dir', uid: 1234, path: '/conf' })
    expect(byName.link).toMatchObject({ type: 'symlink', target: 'conf/app.yml' })
    const conf = await fx.t.call('files.list', { serverId, volume: VOLUME, path: 'conf' })
    expect(conf.entries).toEqual([expect.objectContaining({ name: 'app.yml', type: 'file', size: 9, mode: 0o600, uid: 1234, gid: 1234, path: '/conf/app.yml' })])
    expect(await fx.t.call('files.stat', { serverId, volume: VOLUME, path: '/conf/app.yml' })).toMatchObject({ size: 9, mode: 0o600 })
    expect((await fx.t.call('files.readText', { serverId, volume: VOLUME, path: '/conf/app.yml' })).content).toBe('port: 80\n')
    expect((await homeportFailure(fx.t.call('files.stat', { serverId, volume: VOLUME, path: '/nope' }))).code).toBe('NOT_FOUND')
    expect((await homeportFailure(fx.t.call('files.list', { serverId, volume: `${VOLUME}-missing`, path: '/' }))).code).toBe('NOT_FOUND')
    expect(await helpersLeft()).toBe('')
  })

  it('edits a file, keeping its owner and mode, and refuses an edit over someone else\'s change', async () => {
    const opened = await fx.t.call('files.readText', { serverId, volume: VOLUME, path: '/conf/app.yml' })
    const saved = await fx.t.call('files.writeText', { serverId, volume: VOLUME, path: '/conf/app.yml', content: 'port: 8080\n', expected: opened.version })
    expect(await inVolume('cat /data/conf/app.yml; stat -c "%u:%g %a" /data/conf/app.yml')).toBe('port: 8080\n1234:1234 600\n')
    await inVolume('printf "port: 9090\\n" > /data/conf/app.yml')
    const refused = await homeportFailure(fx.t.call('files.writeText', { serverId, volume: VOLUME, path: '/conf/app.yml', content: 'port: 1\n', expected: saved }))
    expect(refused.code).toBe('FILE_CHANGED')
    expect(refused.message).toContain(`${VOLUME}:/conf/app.yml`)
    expect(await inVolume('cat /data/conf/app.yml')).toBe('port: 9090\n')
    await fx.t.call('files.writeText', { serverId, volume: VOLUME, path: `/conf/${HOSTILE}`, content: 'new\n', expected: null })
    expect(await inVolume(`cat "/data/conf/$1"`.replace('$1', HOSTILE.replaceAll('$', '\\$')))).toBe('new\n')
  })

  it('uploads a tree into the volume and downloads it back', async () => {
    const src = path.join(fx.local, 'site')
    mkdirSync(path.join(src, 'assets'), { recursive: true })
    writeFileSync(path.join(src, 'index.html'), '<h1>hi</h1>\n')
    writeFileSync(path.join(src, 'assets', HOSTILE), randomBytes(700_000))
    writeFileSync(path.join(src, 'run.sh'), 'echo\n', { mode: 0o750 })
    symlinkSync('index.html', path.join(src, 'home.html'))
    const up = resultOf(await finished(fx.t, fx.t.call('files.upload', { serverId, volume: VOLUME, sources: [src], destination: '/' })))
    expect(up).toMatchObject({ files: 3, folders: 2, links: 1, bytes: 12 + 700_000 + 5 })
    expect(await inVolume('cd /data/site && find . | sort && stat -c "%a %u" run.sh && readlink home.html')).toBe(
      ['.', './assets', `./assets/${HOSTILE}`, './home.html', './index.html', './run.sh', '750 0', 'index.html', ''].join('\n'),
    )
    const back = path.join(fx.local, 'back')
    mkdirSync(back)
    const down = resultOf(await finished(fx.t, fx.t.call('files.download', { serverId, volume: VOLUME, sources: ['/site', '/conf/app.yml'], destination: back })))
    expect(down).toMatchObject({ files: 4, links: 1 })
    expect(readFileSync(path.join(back, 'site/assets', HOSTILE))).toEqual(readFileSync(path.join(src, 'assets', HOSTILE)))
    expect(readlinkSync(path.join(back, 'site/home.html'))).toBe('index.html')
    expect(statSync(path.join(back, 'site/run.sh')).mode & 0o777).toBe(0o750)
    expect(readFileSync(path.join(back, 'app.yml'), 'utf8')).toBe('port: 9090\n')
    // Again, renaming on the clash this time.
    const again = resultOf(await finished(fx.t, fx.t.call('files.upload', { serverId, volume: VOLUME, sources: [path.join(src, 'index.html')], destination: '/site', onClash: 'rename' })))
    expect(again.renamed).toEqual([{ from: '/site/index.html', to: '/site/index (1).html' }])
    expect(await helpersLeft()).toBe('')
  })

  it('makes folders, moves and removes inside the volume', async () => {
    expect(await fx.t.call('files.mkdir', { serverId, volume: VOLUME, path: '/a/b/c' })).toMatchObject({ type: 'dir', path: '/a/b/c' })
    expect(await inVolume('stat -c "%a %u" /data/conf')).toBe('755 1234\n')
    await fx.t.call('files.move', { serverId, volume: VOLUME, from: '/a', to: `/${HOSTILE}` })
    expect((await homeportFailure(fx.t.call('files.move', { serverId, volume: VOLUME, from: '/site', to: `/${HOSTILE}` }))).code).toBe('NAME_CLASH')
    expect((await homeportFailure(fx.t.call('files.remove', { serverId, volume: VOLUME, path: `/${HOSTILE}`, recursive: true }))).code).toBe('INVALID_INPUT')
    await fx.t.call('files.remove', { serverId, volume: VOLUME, path: `/${HOSTILE}`, recursive: true, confirm: `/${HOSTILE}` })
    await fx.t.call('files.remove', { serverId, volume: VOLUME, path: '/link' })
    expect((await fx.t.call('files.list', { serverId, volume: VOLUME, path: '/' })).entries.map((e) => e.name).sort()).toEqual(['conf', 'site'])
    expect(await helpersLeft()).toBe('')
    expect(execFileSync('ls', [fx.remote], { encoding: 'utf8' })).toBe('')
  })
})
