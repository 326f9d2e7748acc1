// The `homeport` command when things go wrong: a user name ssh would refuse, stdout closed by `head`, a log
// follow whose connection is cut or whose server changed its key, an app that wants the host itself, and a
// rollback that cannot reach the server, left with a second Ctrl-C and finished at the next command.

import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { killSshConnections, swapHostKey, useHomeServer } from '../../homeserver/helpers.js'
import { sleep, waitUntil } from '../../homeserver/process.js'
import { stopSshd } from '../../homeserver/sshd.js'
import type { CliSandbox } from '../cli/run-cli.js'
import { appFolder, appsSandbox, projectLeftovers, SERVER, startCli } from './cli-apps-helpers.js'

const hs = useHomeServer()
const TICKER = 'hp-cli-ticker'
const launcher = path.resolve(import.meta.dirname, '../../../bin/homeport.js')

const ticker = `services:\n  ticker:\n    image: docker.io/homeport/busybox:1\n    command: ["sh", "-c", "i=0; while :; do i=$$((i+1)); echo tick $$i; sleep 0.05; done"]\n    stop_grace_period: 1s\n`
const ticks = (text: string) => text.split('\n').flatMap((l) => (/\| tick (\d+)$/.exec(l) ? [Number(/\| tick (\d+)$/.exec(l)![1])] : []))

describe('homeport when things go wrong', () => {
  let cli: CliSandbox

  beforeAll(async () => {
    cli = await appsSandbox(hs)
    const file = path.join(cli.home, 'ticker.yml')
    fs.writeFileSync(file, ticker)
    const installed = await cli.run(['apps', 'install', SERVER, '--file', file, '--name', TICKER])
    if (installed.code !== 0) throw new Error(`install failed: ${installed.stderr}`)
  }, 120_000)

  afterAll(async () => {
    await swapHostKey('original').catch(() => undefined)
    await cli?.run(['apps', 'remove', SERVER, TICKER, '--volumes', '--yes'])
    cli?.dispose()
  })

  it('refuses a user name ssh would refuse (`homer;id`) as a usage error, adding nothing', async () => {
    const added = await cli.run(['server', 'add', 'other', '--host', hs.host, '--port', String(hs.sshPort), '--user', 'homer;id', '--identity', hs.keys.ed25519, '--host-key', hs.hostKeyFingerprint])
    expect(added.code).toBe(2)
    expect(added.stderr).toContain('must be a user name ssh accepts, but it contains ";"')
    expect((await cli.json<{ name: string }[]>(['server', 'list'])).map((s) => s.name)).toEqual([SERVER])
  })

  it('ends quietly when `head` closes its stdout', async () => {
    const child = spawn('bash', ['-c', `node '${launcher}' apps logs ${SERVER} ${TICKER} | head -3; echo "status \${PIPESTATUS[0]}" >&2`], { env: cli.env })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    await new Promise((resolve) => child.on('close', resolve))
    expect(out.trim().split('\n')).toHaveLength(3)
    expect(err).not.toMatch(/EPIPE|Unhandled|Error:/)
    expect(err.trim()).toBe('status 0')
  }, 60_000)

  it('follows on across a cut connection, no line twice, none missing', async () => {
    const follow = startCli(cli, ['apps', 'logs', SERVER, TICKER, '--follow', '--tail', '1'])
    try {
      await waitUntil(() => ticks(follow.stdout()).length > 10, 20_000)
      await killSshConnections()
      await waitUntil(() => follow.stderr().includes('Connection to the server lost'), 10_000)
      const before = ticks(follow.stdout()).length
      await waitUntil(() => ticks(follow.stdout()).length > before + 20, 20_000)
    } finally {
      follow.child.kill('SIGINT')
    }
    expect(await follow.exited).toBe(0)
    const seen = ticks(follow.stdout())
    expect(seen.length).toBeGreaterThan(30)
    expect(seen).toEqual(Array.from({ length: seen.length }, (_, i) => seen[0] + i))
  }, 90_000)

  it('ends a follow with the error and a non-zero exit when the server cannot be reached again', async () => {
    const follow = startCli(cli, ['apps', 'logs', SERVER, TICKER, '--follow', '--tail', '1'])
    await waitUntil(() => ticks(follow.stdout()).length > 3, 20_000)
    await swapHostKey('alternate')
    try {
      const code = await Promise.race([follow.exited, sleep(30_000).then(() => 'still running')])
      expect(code).toBe(1)
      expect(follow.stderr()).toMatch(/^error HOST_KEY_MISMATCH: /m)
    } finally {
      follow.child.kill('SIGKILL')
      await swapHostKey('original')
    }
  }, 60_000)

  it('refuses an app that gets the host without --allow-host-access, and installs it with the flag', async () => {
    const app = 'hp-cli-hostaccess'
    const file = path.join(cli.home, 'risky.yml')
    fs.writeFileSync(file, 'services:\n  agent:\n    image: docker.io/homeport/busybox:1\n    command: ["sleep", "3600"]\n    pid: host\n    stop_grace_period: 1s\n')
    const plan = await cli.run(['apps', 'plan', SERVER, '--file', file, '--name', app])
    expect(plan.stdout).toContain('agent: pid: host — Sees every process of the server')
    const refused = await cli.run(['apps', 'install', SERVER, '--file', file, '--name', app])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/^error HOST_ACCESS_NOT_ACCEPTED: "hp-cli-hostaccess" asks for access to the server itself \(pid: host\)/m)
    expect(refused.stderr).toContain('--allow-host-access')
    expect((await projectLeftovers(app)).containers).toEqual([])
    try {
      const installed = await cli.run(['apps', 'install', SERVER, '--file', file, '--name', app, '--allow-host-access'])
      expect(installed.code, installed.stderr).toBe(0)
    } finally {
      await cli.run(['apps', 'remove', SERVER, app, '--volumes', '--yes'])
    }
  }, 90_000)

  it('a second Ctrl-C while the rollback waits for the server exits at once, saying what is left; the next command finishes it', async () => {
    const app = 'hp-cli-ctrlc'
    const file = path.join(cli.home, 'two.yml')
    fs.writeFileSync(
      file,
      'services:\n  db:\n    image: docker.io/homeport/busybox:1\n    command: ["sh", "-c", "sleep 2; touch /tmp/ready; exec sleep 3600"]\n    healthcheck: { test: ["CMD", "test", "-f", "/tmp/ready"], interval: 1s, retries: 30 }\n    stop_grace_period: 1s\n  web:\n    image: docker.io/homeport/busybox:1\n    command: ["sleep", "3600"]\n    depends_on: { db: { condition: service_healthy } }\n    stop_grace_period: 1s\n',
    )
    const install = startCli(cli, ['apps', 'install', SERVER, '--file', file, '--name', app, '--json'])
    try {
      await install.waitForLine(/"step":"Waiting: web needs db/)
      await stopSshd(hs.sshdPidFile)
      await install.waitForLine(/Rolling back\. To undo:/, 30_000)
      // While the server is away, the job says each reconnect attempt.
      await install.waitForLine(/reconnecting \(attempt \d+, next try in \d+ s\)/, 30_000)
      install.child.kill('SIGINT')
      await sleep(300)
      install.child.kill('SIGINT')
      // sshd comes back only in `finally`: exiting here proves it did not wait for the server.
      await install.exited
    } finally {
      install.child.kill('SIGKILL')
      await swapHostKey('original')
    }
    expect(await install.exited).toBe(130)
    expect(install.stderr()).toMatch(/Exiting now; the rollback has not finished\. Left on the server: .*container hp-cli-ctrlc-db-1 created.*finishes the rollback the next time it connects/s)
    expect(fs.existsSync(path.join(appFolder(hs, app), '.homeport-run.json'))).toBe(true)
    // The next command on this laptop connects, finds the journal and finishes the rollback.
    expect((await cli.run(['apps', 'list', SERVER])).code).toBe(0)
    expect(await projectLeftovers(app)).toEqual({ containers: [], networks: [], volumes: [] })
    expect(fs.existsSync(appFolder(hs, app))).toBe(false)
    const db = new Database(path.join(cli.dataDir, 'homeport.db'), { readonly: true })
    expect(db.prepare('SELECT COUNT(*) FROM app_runs').pluck().get()).toBe(0)
    db.close()
  }, 120_000)
})
