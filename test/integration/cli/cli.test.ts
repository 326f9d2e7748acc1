import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServerDto, ServerTestResult } from '../../../shared/contract/index.js'
import { docker, useHomeServer } from '../../homeserver/helpers.js'
import { cliSandbox, type CliSandbox } from './run-cli.js'

const hs = useHomeServer()

describe('homeport CLI against the test home server', () => {
  let cli: CliSandbox
  const at = () => ['--host', hs.host, '--port', String(hs.sshPort), '--user', hs.user]

  beforeAll(() => {
    cli = cliSandbox()
  })
  afterAll(() => cli?.dispose())

  it('adds a server by key with --trust-on-first-use and pins the presented key', async () => {
    const added = await cli.run(['server', 'add', 'by-key', ...at(), '--identity', hs.keys.ed25519, '--trust-on-first-use'])
    expect(added.stderr).toBe('')
    expect(added.code).toBe(0)
    const list = await cli.json<ServerDto[]>(['server', 'list'])
    const server = list.find((s) => s.name === 'by-key')
    expect(server).toMatchObject({ host: hs.host, port: hs.sshPort, user: hs.user, authMethod: 'key', hostKey: hs.hostKeyFingerprint, hasSecret: false })
  })

  it('adds a server by password read from stdin', async () => {
    const added = await cli.run(['server', 'add', 'by-password', ...at(), '--password-stdin', '--trust-on-first-use'], { stdin: `${hs.password}\n` })
    expect(added.code, added.stderr).toBe(0)
    const server = (await cli.json<ServerDto[]>(['server', 'list'])).find((s) => s.name === 'by-password')
    expect(server).toMatchObject({ authMethod: 'password', hasSecret: true })
    // The password really is usable: the login succeeds and Docker answers.
    const tested = await cli.json<ServerTestResult>(['server', 'test', 'by-password'])
    expect(tested.name).toBe('by-password')
  })

  it('adds a passphrase-protected key with --password-stdin and the right --host-key', async () => {
    const added = await cli.run(['server', 'add', 'by-passphrase', ...at(), '--identity', hs.keys.encrypted, '--password-stdin', '--host-key', hs.hostKeyFingerprint], {
      stdin: hs.keys.encryptedPassphrase,
    })
    expect(added.code, added.stderr).toBe(0)
    expect(added.stdout).toContain(hs.hostKeyFingerprint)
    const tested = await cli.json<ServerTestResult>(['server', 'test', 'by-passphrase'])
    expect(tested.hostKey).toBe(hs.hostKeyFingerprint)
  })

  it('refuses a wrong --host-key with HOST_KEY_MISMATCH, a hint, exit 1, and stores nothing', async () => {
    const wrong = 'SHA256:' + 'A'.repeat(43)
    const result = await cli.run(['server', 'add', 'wrong-key', ...at(), '--identity', hs.keys.ed25519, '--host-key', wrong])
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(/^error HOST_KEY_MISMATCH: .*\nhint: .+/)
    expect(result.stderr).toContain(wrong)
    expect(result.stderr).toContain(hs.hostKeyFingerprint)
    const names = (await cli.json<ServerDto[]>(['server', 'list'])).map((s) => s.name)
    expect(names).not.toContain('wrong-key')
  })

  it('without a terminal and without a trust flag, fails with HOST_KEY_UNKNOWN naming the fingerprint and both flags', async () => {
    const result = await cli.run(['server', 'add', 'unasked', ...at(), '--identity', hs.keys.ed25519])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^error HOST_KEY_UNKNOWN: /)
    expect(result.stderr).toContain(hs.hostKeyFingerprint)
    expect(result.stderr).toContain('--host-key')
    expect(result.stderr).toContain('--trust-on-first-use')
  })

  it('server test --json reports the engine version, the host key and a round trip', async () => {
    const tested = await cli.json<ServerTestResult>(['server', 'test', 'by-key'])
    const engineVersion = (await docker(['version', '--format', '{{.Server.Version}}'])).trim()
    const apiVersion = (await docker(['version', '--format', '{{.Server.APIVersion}}'])).trim()
    expect(tested).toMatchObject({ name: 'by-key', hostKey: hs.hostKeyFingerprint, docker: { version: engineVersion, apiVersion } })
    expect(tested.docker.socket).toMatch(/\.sock$|dial-stdio/)
    expect(tested.latencyMs).toBeGreaterThan(0)
  })

  it('ps --json shows a container the test started, --all a stopped one', async () => {
    const running = `hp-cli-ps-${process.pid}`
    const stopped = `hp-cli-stopped-${process.pid}`
    await docker(['run', '-d', '--name', running, '-p', '127.0.0.1::8080', hs.images[0], '/bin/busybox', 'sleep', '600'])
    await docker(['create', '--name', stopped, hs.images[0], '/bin/busybox', 'true'])
    try {
      type Row = { id: string; name: string; image: string; state: string; status: string; ports: { privatePort: number }[] }
      const rows = await cli.json<Row[]>(['ps', 'by-key'])
      const row = rows.find((r) => r.name === running)
      expect(row).toMatchObject({ image: hs.images[0], state: 'running' })
      expect(row?.status).toMatch(/^Up/)
      expect(row?.ports.some((p) => p.privatePort === 8080)).toBe(true)
      expect(Object.keys(row!).sort()).toEqual(['id', 'image', 'name', 'ports', 'state', 'status'])
      expect(rows.map((r) => r.name)).not.toContain(stopped)
      const all = await cli.json<Row[]>(['ps', 'by-key', '--all'])
      expect(all.find((r) => r.name === stopped)?.state).toBe('created')

      const human = await cli.run(['ps', 'by-key'])
      expect(human.code).toBe(0)
      expect(human.stdout.split('\n')[0]).toMatch(/^CONTAINER ID\s+NAME\s+IMAGE\s+STATE\s+STATUS\s+PORTS$/)
      expect(human.stdout).toContain(running)
    } finally {
      await docker(['rm', '-f', running, stopped])
    }
  })

  it('prints an aligned table for server list', async () => {
    const result = await cli.run(['server', 'list'])
    expect(result.code).toBe(0)
    const lines = result.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^NAME\s+ADDRESS\s+AUTH\s+HOST KEY$/)
    const column = lines[0].indexOf('ADDRESS')
    for (const line of lines.slice(1)) expect(line.slice(column)).toMatch(new RegExp(`^${hs.user}@`))
  })

  it('rejects bad input with a clear error and exit code', async () => {
    const unknown = await cli.run(['server', 'test', 'no-such-server'])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toMatch(/^error NOT_FOUND: No server named "no-such-server"\.\nhint: .*homeport server list/)

    const ps = await cli.run(['ps', 'no-such-server', '--json'])
    expect(ps.code).toBe(1)
    expect(ps.stdout).toBe('')

    const badPort = await cli.run(['server', 'add', 'bad-port', '--host', hs.host, '--port', '70000', '--identity', hs.keys.ed25519])
    expect(badPort.code).toBe(2)
    expect(badPort.stderr).toMatch(/^error INVALID_INPUT: .*--port.*70000.*\nhint: /)

    const noHost = await cli.run(['server', 'add', 'no-host', '--identity', hs.keys.ed25519])
    expect(noHost.code).toBe(2)
    expect(noHost.stderr).toMatch(/^error INVALID_INPUT: .*--host/)

    const badName = await cli.run(['server', 'add', 'bad name!', ...at(), '--identity', hs.keys.ed25519, '--trust-on-first-use'])
    expect(badName.code).toBe(2)
    expect(badName.stderr).toMatch(/^error INVALID_INPUT: .*name/)

    const noAuth = await cli.run(['server', 'add', 'no-auth', ...at(), '--trust-on-first-use'])
    expect(noAuth.code).toBe(2)
    expect(noAuth.stderr).toMatch(/--identity.*--password-stdin.*SSH_AUTH_SOCK/s)

    const duplicate = await cli.run(['server', 'add', 'by-key', ...at(), '--identity', hs.keys.ed25519, '--trust-on-first-use'])
    expect(duplicate.code).toBe(1)
    expect(duplicate.stderr).toMatch(/^error ALREADY_EXISTS: .*by-key/)

    const names = (await cli.json<ServerDto[]>(['server', 'list'])).map((s) => s.name)
    expect(names).not.toEqual(expect.arrayContaining(['bad-port', 'no-host', 'no-auth']))
  })

  it('removes a server, after which it is unknown', async () => {
    const removed = await cli.run(['server', 'remove', 'by-password'])
    expect(removed.code, removed.stderr).toBe(0)
    const names = (await cli.json<ServerDto[]>(['server', 'list'])).map((s) => s.name)
    expect(names).not.toContain('by-password')
    expect(names).toContain('by-key')
    const again = await cli.run(['server', 'remove', 'by-password'])
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/^error NOT_FOUND: /)
  })
})
