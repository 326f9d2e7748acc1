// The main flows over a slow link, as a user runs them: the real `homeport` command against the test sshd
// behind a proxy that adds 75 ms each way (150 ms round trip). Nothing may time out, and what the server
// ends up with is checked on the server itself. `--verbose` says how many round trips a command took.

import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LatencyProxy } from '../../homeserver/latency-proxy.js'
import { delayedSshd, docker, removeTestContainers, useHomeServer } from '../../homeserver/helpers.js'
import { cliSandbox, type CliSandbox } from '../cli/run-cli.js'
import { startCli } from '../cli-apps/cli-apps-helpers.js'

const hs = useHomeServer()
const SERVER = 'slow'
const APP = 'hp-delayed-link'

describe('over a link with 150 ms round trips', () => {
  let proxy: LatencyProxy
  let cli: CliSandbox
  let file: string

  beforeAll(async () => {
    await removeTestContainers(APP)
    proxy = await delayedSshd(75)
    cli = cliSandbox()
    file = path.join(cli.home, 'compose.yml')
    const image = hs.images.find((i) => i.endsWith('/homeport/busybox:1'))
    fs.writeFileSync(
      file,
      `services:\n  app:\n    image: ${image}\n    command: ["sh", "-c", "echo hello from \${GREETING}; exec sleep 3600"]\n    stop_grace_period: 1s\n`,
    )
    fs.writeFileSync(path.join(cli.home, '.env'), 'GREETING=the slow link\n')
  })

  afterAll(async () => {
    await cli?.run(['apps', 'remove', SERVER, APP, '--volumes', '--yes'])
    await removeTestContainers(APP)
    cli?.dispose()
    await proxy?.close()
  })

  it('adds the server and tests it, counting the round trips with --verbose', async () => {
    const added = await cli.run(['server', 'add', SERVER, '--host', hs.host, '--port', String(proxy.port), '--user', hs.user, '--identity', hs.keys.ed25519, '--host-key', hs.hostKeyFingerprint])
    expect(added.code, added.stderr).toBe(0)
    const tested = await cli.run(['server', 'test', SERVER, '--json', '--verbose'])
    expect(tested.code, tested.stderr).toBe(0)
    const result = JSON.parse(tested.stdout) as { latencyMs: number; hostKey: string; docker: { socket: string } }
    expect(result.hostKey).toBe(hs.hostKeyFingerprint)
    expect(result.docker.socket).toBe(hs.dockerSocket)
    // A command on the server costs at least one round trip of the link.
    expect(result.latencyMs).toBeGreaterThanOrEqual(150)
    expect(tested.stderr).toMatch(/\[info\] Round trips: \d+ \(handshake 5, /)
    expect(tested.stderr).toMatch(/\n\[info\]\s+1\s+docker GET \/version\n/)
  })

  it('lists containers with the remembered socket: 7 round trips', async () => {
    await docker(['run', '-d', '--name', `${APP}-probe`, hs.images[0], 'sleep', '3600'])
    const ps = await cli.run(['ps', SERVER, '--json', '--verbose'])
    expect(ps.code, ps.stderr).toBe(0)
    expect((JSON.parse(ps.stdout) as { name: string }[]).some((c) => c.name === `${APP}-probe`)).toBe(true)
    expect(ps.stderr).toContain('[info] Round trips: 7 (handshake 5, channel 1, docker 1)')
  })

  it('installs a small app from a compose file and .env, and shows its logs', async () => {
    const installed = await cli.run(['apps', 'install', SERVER, '--file', file, '--name', APP, '--env-file', path.join(cli.home, '.env')])
    expect(installed.code, installed.stderr).toBe(0)
    await expect.poll(async () => (await docker(['inspect', '-f', '{{.State.Status}}', `${APP}-app-1`]).catch(() => '')).trim(), { timeout: 60_000 }).toBe('running')
    await expect
      .poll(async () => (await cli.run(['apps', 'logs', SERVER, APP])).stdout, { timeout: 60_000 })
      .toContain('hello from the slow link')
  })

  it('follows the logs and shows the first line', async () => {
    const follow = startCli(cli, ['apps', 'logs', SERVER, APP, '--follow'])
    try {
      expect(await follow.waitForLine(/hello from the slow link/, 60_000)).toContain('hello from the slow link')
    } finally {
      follow.child.kill('SIGINT')
      await follow.exited
    }
  })
})
