// The CLI with a Homeport running (the real web host, in a child process): commands go through its control
// socket and ride on its SSH connection, and print exactly what they print on their own. "No handshake" is
// read from the test sshd's own log, which records every login.

import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JobDto } from '../../../shared/contract/index.js'
import { docker, sshdLogSince, sshdLogSize, useHomeServer } from '../../homeserver/helpers.js'
import { buildWebImage } from '../cli-apps/cli-apps-helpers.js'
import { cliSandbox, type CliSandbox } from './run-cli.js'
import { startWebHost, type RunningHomeport } from './running-homeport.js'

const hs = useHomeServer()
const SERVER = 'home'
const OWN = { env: { HOMEPORT_NO_CONTROL: '1' } }
const LOGIN = /Accepted \w+ for /

/** What a command printed and how it ended, and whether sshd saw a login while it ran. */
async function observed(cli: CliSandbox, args: string[], opts: { env?: Record<string, string> } = {}) {
  const offset = await sshdLogSize()
  const result = await cli.run(args, opts)
  return { ...result, loggedIn: LOGIN.test(await sshdLogSince(offset)) }
}

describe('homeport CLI through a running Homeport', () => {
  let cli: CliSandbox
  let host: RunningHomeport
  const container = `hp-cli-ctl-${process.pid}`

  beforeAll(async () => {
    cli = cliSandbox()
    const added = await cli.run(['server', 'add', SERVER, '--host', hs.host, '--port', String(hs.sshPort), '--user', hs.user, '--identity', hs.keys.ed25519, '--host-key', hs.hostKeyFingerprint])
    expect(added.code, added.stderr).toBe(0)
    host = await startWebHost(cli)
    await docker(['run', '-d', '--name', container, hs.images[0], '/bin/busybox', 'sleep', '600'])
  })

  afterAll(async () => {
    await docker(['rm', '-f', container]).catch(() => '')
    await host?.stop()
    cli?.dispose()
  })

  it('server list: the same table, from the running Homeport', async () => {
    const through = await cli.run(['--verbose', 'server', 'list'])
    const own = await cli.run(['--verbose', 'server', 'list'], OWN)
    expect(through.code, through.stderr).toBe(0)
    expect(through.stdout).toMatch(/^NAME\s+ADDRESS\s+AUTH\s+HOST KEY\nhome\s+/)
    expect(through.stdout).toBe(own.stdout)
    expect(through.stderr).toContain(`Using the running Homeport (pid ${host.pid}).`)
    expect(own.stderr).not.toContain('Using the running Homeport')
  })

  it('ps on a server the running Homeport is not connected to: the CLI logs in itself', async () => {
    const ps = await observed(cli, ['--verbose', 'ps', SERVER, '--json'])
    expect(ps.code, ps.stderr).toBe(0)
    expect(ps.stderr).toContain(`is not connected to "${SERVER}"`)
    expect(ps.loggedIn).toBe(true)
  })

  it('ps --json rides on the running Homeport\'s connection: the same rows, no SSH login', async () => {
    expect(await host.control.invoke('servers.connect', { id: SERVER })).toMatchObject({ ok: true, value: { state: 'ready' } })
    type Row = { id: string; name: string; image: string; state: string; status: string }
    const through = await observed(cli, ['ps', SERVER, '--json'])
    const own = await observed(cli, ['ps', SERVER, '--json'], OWN)
    expect(through.code, through.stderr).toBe(0)
    expect(through.loggedIn).toBe(false)
    expect(own.loggedIn).toBe(true)
    // `status` ("Up 3 seconds") moves on between the two runs; everything else must match.
    const rows = (out: string) => (JSON.parse(out) as Row[]).map(({ status: _status, ...rest }) => rest)
    // Other suites create and remove containers on the same engine meanwhile: compare this test's own row.
    const mine = (out: string) => rows(out).filter((r) => r.name === container)
    expect(mine(through.stdout)).toEqual([expect.objectContaining({ image: hs.images[0], state: 'running' })])
    expect(mine(through.stdout)).toEqual(mine(own.stdout))
    expect(Object.keys(JSON.parse(through.stdout)[0] as object).sort()).toEqual(['id', 'image', 'name', 'ports', 'state', 'status'])
  })

  it('server add always runs in the command itself, beside a running Homeport', async () => {
    const name = `${SERVER}-too`
    const added = await cli.run(['--verbose', 'server', 'add', name, '--host', hs.host, '--port', String(hs.sshPort), '--user', hs.user, '--identity', hs.keys.ed25519, '--host-key', hs.hostKeyFingerprint])
    expect(added.code, added.stderr).toBe(0)
    expect(added.stderr).not.toContain('Using the running Homeport')
    expect((await cli.json<{ name: string }[]>(['server', 'list'], OWN)).map((s) => s.name)).toContain(name)
    expect((await cli.run(['server', 'remove', name], OWN)).code).toBe(0)
  })

  it("metrics shows the running Homeport's own latest sample of a server it is connected to", async () => {
    expect(await host.control.invoke('servers.connect', { id: SERVER })).toMatchObject({ ok: true, value: { state: 'ready' } })
    const source = async () => (await cli.json<{ source: string }>(['metrics', SERVER])).source
    await expect.poll(source, { timeout: 90_000, interval: 1000 }).toBe('monitor')
    expect((await cli.json<{ source: string }>(['metrics', SERVER], OWN)).source).toBe('agent')
  }, 180_000)

  it('a failing command ends the same either way: error, hint, exit code', async () => {
    const cases = [
      ['ps', 'no-such-server', '--json'],
      ['apps', 'logs', SERVER, 'no-such-app'],
      ['server', 'trust', SERVER, '--host-key', 'not-a-fingerprint'],
      ['server', 'remove', 'no-such-server'],
    ]
    for (const args of cases) {
      const through = await cli.run(args)
      const own = await cli.run(args, OWN)
      expect(through.code, args.join(' ')).not.toBe(0)
      expect(through.stderr, args.join(' ')).toMatch(/^error [A-Z_]+: .+\nhint: .+/)
      expect({ code: through.code, stdout: through.stdout, stderr: through.stderr }, args.join(' ')).toEqual({ code: own.code, stdout: own.stdout, stderr: own.stderr })
    }
  })

  it('an install job reports its progress through the running Homeport, then the app is removed there too', async () => {
    const app = `hp-cli-ctl${process.pid}`
    // An image the engine does not have, so the pull really downloads and reports bytes.
    const image = `${hs.registry}/homeport/cli-ctl-${process.pid}:1`
    await buildWebImage(hs, image)
    await docker(['push', '--quiet', image])
    await docker(['rmi', image])
    const file = path.join(cli.home, 'ctl-compose.yml')
    fs.writeFileSync(file, `services:\n  web:\n    image: ${image}\n`)
    try {
      const install = await observed(cli, ['apps', 'install', SERVER, '--file', file, '--name', app, '--json'])
      expect(install.code, install.stderr).toBe(0)
      expect(install.loggedIn).toBe(false)
      const lines = install.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
      expect(lines.at(-1)).toEqual({ status: 'installed', app, containers: [`${app}-web-1`] })
      const updates = lines.slice(0, -1) as unknown as JobDto[]
      expect(updates.length).toBeGreaterThan(2)
      expect(updates.every((u) => u.kind === 'install' && u.id === updates[0].id)).toBe(true)
      expect(updates.some((u) => u.state === 'running' && u.items.some((i) => i.total > 0 && i.current === i.total))).toBe(true)
      expect(updates.at(-1)?.state).toBe('succeeded')
      expect((await docker(['inspect', '--format', '{{.State.Status}}', `${app}-web-1`])).trim()).toBe('running')

      const removed = await observed(cli, ['apps', 'remove', SERVER, app])
      expect(removed.code, removed.stderr).toBe(0)
      expect(removed.loggedIn).toBe(false)
      expect(removed.stdout).toBe(`Removed ${app}; its volumes and .env were kept (remove --volumes deletes them).\n`)
      expect(await docker(['ps', '-a', '--filter', `name=^${app}-`, '--format', '{{.Names}}'])).toBe('')
    } finally {
      await cli.run(['apps', 'remove', SERVER, app, '--volumes', '--yes'], OWN)
      await docker(['rmi', '-f', image]).catch(() => '')
    }
  })

  it('HOMEPORT_NO_CONTROL=1 and --no-control both make the CLI connect by itself', async () => {
    for (const [args, opts] of [
      [['--verbose', 'ps', SERVER], OWN],
      [['--verbose', '--no-control', 'ps', SERVER], {}],
    ] as const) {
      const result = await observed(cli, [...args], opts)
      expect(result.code, result.stderr).toBe(0)
      expect(result.stderr).not.toContain('Using the running Homeport')
      expect(result.loggedIn).toBe(true)
    }
  })
})
