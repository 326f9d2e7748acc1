// Names that break careless shell code — spaces, quotes, newlines, unicode, a leading `-`, `$(…)`,
// backticks, `;`, `|`, globs — go through every operation verbatim, and a canary file proves that no
// command hidden in a name ever ran.

import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { useHomeServer } from '../../homeserver/helpers.js'
import { finished, homeOf, resultOf, sha256File, useFilesServer } from './files-fixture.js'

const hs = useHomeServer()
const fx = useFilesServer(hs)
const serverId = 'home'
const CANARY = `hp-canary-${randomBytes(3).toString('hex')}`

const NAMES = [
  'with space.txt', "it's.txt", 'dq"uote.txt', 'new\nline.txt', 'tab\there', 'ünïcødé 日本語 🚀.txt', '-rf', '--', '--help', '-leading.txt',
  `$(touch ${CANARY})`, `\`touch ${CANARY}\``, `semi;touch ${CANARY}`, `amp&&touch ${CANARY}`, `pipe|touch ${CANARY}`, `$(touch\${IFS}${CANARY})`,
  'back\\slash', '*', '?', '~tilde', '  spaces  ', "'single'", '$HOME', 'a>b', '<in', '#hash', '!bang', '(paren)', '{a,b}', '[x]', ' ', 'trailing.',
]
const FOLDER = `dir $(touch ${CANARY}) ; -x 'q'\n`

function canaryFound(): string[] {
  const places = [homeOf(hs.user), fx.remote, fx.local, process.cwd(), '/', '/tmp', path.join(fx.remote, FOLDER)]
  return places.filter((dir) => existsSync(path.join(dir, CANARY)))
}

afterAll(() => {
  expect(canaryFound()).toEqual([])
})

describe('hostile names', () => {
  it('survive upload, list, stat, read, write, move, copy, chmod, chown, sha256, download and remove', async () => {
    const src = path.join(fx.local, FOLDER)
    mkdirSync(src)
    for (const name of NAMES) writeFileSync(path.join(src, name), `content of ${name}\n`)
    const up = resultOf(await finished(fx.t, fx.t.call('files.upload', { serverId, sources: [src], destination: fx.remote, verify: 'sha256' })))
    expect(up).toMatchObject({ files: NAMES.length, verified: NAMES.length })
    const dir = path.join(fx.remote, FOLDER)
    expect(readdirSync(dir).sort()).toEqual([...NAMES].sort())

    const listed = await fx.t.call('files.list', { serverId, path: dir })
    expect(listed.entries.map((e) => e.name).sort()).toEqual([...NAMES].sort())
    expect(listed.entries.every((e) => e.path === path.join(dir, e.name) || e.path === `${dir}/${e.name}`)).toBe(true)

    for (const name of NAMES) {
      const p = `${dir}/${name}`
      expect((await fx.t.call('files.stat', { serverId, path: p })).name).toBe(name)
      const opened = await fx.t.call('files.readText', { serverId, path: p })
      expect(opened.content).toBe(`content of ${name}\n`)
      await fx.t.call('files.writeText', { serverId, path: p, content: `edited ${name}\n`, expected: opened.version })
      await fx.t.call('files.move', { serverId, from: p, to: `${p} moved` })
      await fx.t.call('files.move', { serverId, from: `${p} moved`, to: p })
      await fx.t.call('files.chmod', { serverId, path: p, mode: 0o600 })
      await fx.t.call('files.chown', { serverId, path: p, group: hs.user })
      expect(statSync(p).mode & 0o777).toBe(0o600)
      expect(await fx.t.call('files.sha256', { serverId, path: p })).toBe(await sha256File(p))
      expect(readFileSync(p, 'utf8')).toBe(`edited ${name}\n`)
    }
    await fx.t.call('files.chmod', { serverId, path: dir, mode: 0o700, recursive: true })
    await fx.t.call('files.chown', { serverId, path: dir, owner: hs.user, group: hs.user, recursive: true })

    for (const name of ['-rf', `$(touch ${CANARY})`, 'new\nline.txt']) {
      const copy = await finished(fx.t, fx.t.call('files.copy', { serverId, from: `${dir}/${name}`, to: `${dir}/${name}.copy` }))
      expect(copy.state, JSON.stringify(copy.error)).toBe('succeeded')
      expect(readFileSync(`${dir}/${name}.copy`, 'utf8')).toBe(`edited ${name}\n`)
      await fx.t.call('files.remove', { serverId, path: `${dir}/${name}.copy` })
    }
    const whole = await finished(fx.t, fx.t.call('files.copy', { serverId, from: dir, to: `${dir.slice(0, -1)} copy` }))
    expect(whole.state, JSON.stringify(whole.error)).toBe('succeeded')
    expect(readdirSync(`${dir.slice(0, -1)} copy`).sort()).toEqual([...NAMES].sort())

    const back = path.join(fx.local, 'back')
    mkdirSync(back)
    const down = resultOf(await finished(fx.t, fx.t.call('files.download', { serverId, sources: [dir], destination: back, verify: 'sha256' })))
    expect(down.files).toBe(NAMES.length)
    for (const name of NAMES) expect(readFileSync(path.join(back, FOLDER, name), 'utf8')).toBe(`edited ${name}\n`)

    await fx.t.call('files.remove', { serverId, path: `${dir}/-rf` })
    await fx.t.call('files.remove', { serverId, path: `${dir.slice(0, -1)} copy`, recursive: true, confirm: `${dir.slice(0, -1)} copy` })
    await fx.t.call('files.remove', { serverId, path: dir, recursive: true, confirm: dir })
    expect(readdirSync(fx.remote).filter((n) => n.startsWith('dir '))).toEqual([])
    expect(canaryFound()).toEqual([])
  })
})
