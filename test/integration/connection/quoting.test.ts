import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useHomeServer } from '../../homeserver/helpers.js'
import { SshConnectionManager } from '../../../electron/core/connection/connection-manager.js'
import type { SshSession } from '../../../electron/core/connection/types.js'
import { targetFor } from './support.js'

const info = useHomeServer()

const NAMES = [
  'with space',
  "it's",
  '"double quoted"',
  'new\nline',
  '$(touch pwned)',
  '`touch pwned`',
  '; touch pwned',
  '&& touch pwned',
  '-rf',
  '--help',
  '*',
  '$HOME',
  "mixed ' \" $ ` \\ ; | & < > ( ) { } [ ] ~ ! # %",
]

describe('remote commands built from argv', () => {
  const manager = new SshConnectionManager({ knownHostsPath: '/nonexistent/known_hosts' })
  let session: SshSession
  let dir: string
  let home: string

  beforeAll(async () => {
    session = await manager.acquire('quoting', async () => targetFor(info))
    home = (await session.exec(['sh', '-c', 'cd && pwd'])).stdout.trim()
    dir = (await session.exec(['mktemp', '-d', `${home}/quoting.XXXXXX`])).stdout.trim()
  })

  afterAll(async () => {
    if (dir) await session.exec(['rm', '-rf', '--', dir])
    await manager.closeAll()
  })

  it('creates, lists and reads back files with hostile names, executing nothing', async () => {
    for (const name of NAMES) {
      const written = await session.exec(['tee', '--', `${dir}/${name}`], { stdin: `content of ${name}` })
      expect(written.code).toBe(0)
    }
    const listed = await session.exec(['find', dir, '-mindepth', '1', '-maxdepth', '1', '-printf', '%f\\0'])
    expect(listed.stdout.split('\0').filter(Boolean).sort()).toEqual([...NAMES].sort())
    for (const name of NAMES) {
      expect((await session.exec(['cat', '--', `${dir}/${name}`])).stdout).toBe(`content of ${name}`)
      expect((await session.exec(['cat', '--', `${dir}/${name}`], { loginShell: true })).stdout).toBe(`content of ${name}`)
    }
    // Checked on the server's own file system (the test server is this machine).
    expect(readdirSync(dir).sort()).toEqual([...NAMES].sort())
    expect(readFileSync(`${dir}/new\nline`, 'utf8')).toBe('content of new\nline')
    expect(existsSync(`${dir}/pwned`)).toBe(false)
    expect(existsSync(`${home}/pwned`)).toBe(false)
  })

  it('hands a leading dash through verbatim, so `--` keeps it an operand', async () => {
    const result = await session.exec(['ls', '-1', '--', `-rf`], { loginShell: true })
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain('-rf')
    const inDir = await session.exec(['sh', '-c', 'cd "$1" && ls -1 -- -rf', 'sh', dir])
    expect(inDir).toMatchObject({ code: 0, stdout: '-rf\n' })
  })
})
