// `homeport metrics` and `homeport alerts` against the test home server: numbers that match the machine,
// the usage and lookup errors, and an alert for a container killed on the server, seen by `alerts --follow`
// (whose own core samples the server while it runs) and then kept in the history that `alerts` lists.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { docker, useHomeServer } from '../../homeserver/helpers.js'
import { addHomeServer, cliSandbox, type CliSandbox } from './run-cli.js'

const hs = useHomeServer()
const APP = 'hp-cli-monitor'
const VICTIM = `${APP}-victim`
const launcher = path.resolve(import.meta.dirname, '../../../bin/homeport.js')

interface Reading { source: string; memory: { totalBytes: number; usedBytes: number }; cpuPercent: number; disks: { mount: string; percent: number }[] }
interface Row { state: string; rule: string; server?: string; app?: string; subject: string; raisedAt: string; change?: string }

const memTotalBytes = () => Number(/^MemTotal:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'))![1]) * 1024

/** A command that runs until interrupted, with its output so far. */
function background(cli: CliSandbox, args: string[]): { child: ChildProcessWithoutNullStreams; out: () => string; err: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [launcher, ...args], { env: cli.env, stdio: ['pipe', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d))
  const exit = new Promise<number | null>((resolve) => child.on('close', resolve))
  return { child, out: () => out, err: () => err, exit }
}

async function until(what: string, probe: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('homeport metrics and homeport alerts', () => {
  let cli: CliSandbox

  beforeAll(async () => {
    cli = cliSandbox()
    await addHomeServer(cli, hs, 'home')
    await docker(['rm', '-f', VICTIM]).catch(() => '')
    await docker(['run', '-d', '--name', VICTIM, '--label', `com.docker.compose.project=${APP}`, '--label', 'com.docker.compose.service=victim', `${hs.registry}/homeport/busybox:1`, 'sleep', '3600'])
  })
  afterAll(async () => {
    await docker(['rm', '-f', VICTIM]).catch(() => '')
    cli?.dispose()
  })

  it('metrics --json reports the machine: its memory total, a CPU share, its disks', async () => {
    const r = await cli.json<Reading>(['metrics', 'home'])
    expect(r.source).toBe('agent')
    expect(r.memory.totalBytes).toBe(memTotalBytes())
    expect(r.memory.usedBytes).toBeGreaterThan(0)
    expect(r.memory.usedBytes).toBeLessThanOrEqual(r.memory.totalBytes)
    expect(r.cpuPercent).toBeGreaterThanOrEqual(0)
    expect(r.cpuPercent).toBeLessThanOrEqual(100)
    expect(r.disks.find((d) => d.mount === '/')?.percent).toBeGreaterThan(0)
  })

  it('metrics --watch prints one line per interval until interrupted, then exits 0', async () => {
    const run = background(cli, ['metrics', 'home', '--watch', '1', '--json'])
    await until('two readings', () => run.out().trim().split('\n').filter(Boolean).length >= 2)
    run.child.kill('SIGINT')
    expect(await run.exit).toBe(0)
    const lines = run.out().trim().split('\n').map((l) => JSON.parse(l) as Reading)
    expect(lines.every((l) => l.memory.totalBytes === memTotalBytes())).toBe(true)
  })

  it('an unknown server is NOT_FOUND with a hint, exit 1', async () => {
    for (const args of [['metrics', 'nowhere'], ['alerts', 'nowhere']]) {
      const res = await cli.run(args)
      expect(res.code).toBe(1)
      expect(res.stdout).toBe('')
      expect(res.stderr).toMatch(/^error NOT_FOUND: .*\nhint: .+/)
    }
  })

  it('a bad --watch is INVALID_INPUT, exit 2, before anything connects', async () => {
    for (const value of ['0', '-1', 'abc', '1.5', '3601']) {
      const res = await cli.run(['metrics', 'home', '--watch', value])
      expect(res.code, value).toBe(2)
      expect(res.stderr).toMatch(/^error INVALID_INPUT: .*--watch.*\nhint: .+/)
    }
  })

  it('alerts --follow prints the alert for a container killed on the server; alerts lists it afterwards', async () => {
    expect(await cli.json<Row[]>(['alerts', 'home'])).toEqual([])
    const follow = background(cli, ['alerts', 'home', '--follow', '--json'])
    await until('the follower to connect', () => follow.err().includes('Following alerts'))
    // Docker's event stream is subscribed just after the connection is ready.
    await new Promise((r) => setTimeout(r, 3000))
    await docker(['kill', VICTIM])
    const killed = (row: Row) => row.rule === 'container.exited' && row.subject === VICTIM
    await until('the alert line', () => follow.out().split('\n').filter(Boolean).some((l) => killed(JSON.parse(l) as Row)), 30_000)
    follow.child.kill('SIGINT')
    expect(await follow.exit).toBe(0)
    const line = follow.out().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Row).find(killed)
    expect(line).toMatchObject({ change: 'raised', state: 'open', server: 'home', app: APP })

    const listed = await cli.json<Row[]>(['alerts', 'home'])
    expect(listed.filter(killed)).toHaveLength(1)
    expect(listed.find(killed)).toMatchObject({ server: 'home', app: APP })
    const human = await cli.run(['alerts'])
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toMatch(/^STATE\s+SEVERITY\s+RULE\s+SERVER\s+SUBJECT\s+TIME\s+TITLE\n/)
    expect(human.stdout).toContain(VICTIM)
  })
})
