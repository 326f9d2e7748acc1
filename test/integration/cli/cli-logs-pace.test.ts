// `homeport apps logs --follow` into a reader that stops taking its output (a paused pager): the CLI reads the
// server's log only as fast as its stdout is taken, so what it holds stays small however long the log is, and
// every line arrives, in order, once the reader goes on. Measured against the same command whose output is
// read as it comes: the process may not hold much more than that one did (measured: 177 MiB against a peak
// of 206 while reading; unpaced, 307 against 170).

import { spawn, type ChildProcessByStdio } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { docker, removeTestContainers, useHomeServer } from '../../homeserver/helpers.js'
import { waitUntil } from '../../homeserver/process.js'
import { addHomeServer, cliSandbox, type CliSandbox } from './run-cli.js'

const hs = useHomeServer()
const PREFIX = 'hp-cli-pace'
const APP = `${PREFIX}-${process.pid}`
// About 20 MB of output: far more than a pipe (64 KiB) and the CLI's pacing threshold (1 MiB) hold.
const LINES = 600_000
const launcher = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/homeport.js')

type Cli = ChildProcessByStdio<null, Readable, Readable>

let cli: CliSandbox

/** The process's resident memory in MiB. */
function rssMiB(pid: number): number {
  const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
  return Number(kib) / 1024
}

function followLogs(): Cli {
  return spawn(process.execPath, [launcher, 'apps', 'logs', 'home', APP, '--follow'], {
    env: { ...cli.env, HOMEPORT_NO_CONTROL: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

/** Reads `child`'s stdout from now on; resolves once the last line has come, with the lines' numbers in order. */
function readAll(child: Cli): Promise<{ inOrder: boolean; count: number }> {
  return new Promise((resolve) => {
    let rest = ''
    let count = 0
    let inOrder = true
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n')
      rest = lines.pop() ?? ''
      for (const line of lines) {
        const n = Number(/log line number (\d+)$/.exec(line)?.[1])
        if (n !== count + 1) inOrder = false
        count++
        if (n === LINES) resolve({ inOrder, count })
      }
    })
    child.stdout.resume()
  })
}

/** The highest resident memory seen while `until` is pending, sampled every 100 ms. */
async function peakWhile(pid: number, until: Promise<unknown>): Promise<number> {
  let peak = 0
  let done = false
  void until.finally(() => (done = true))
  while (!done) {
    peak = Math.max(peak, rssMiB(pid))
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return peak
}

function stop(child: Cli): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGINT')
  })
}

describe('homeport apps logs --follow into a reader that stops', () => {
  beforeAll(async () => {
    cli = cliSandbox()
    await addHomeServer(cli, hs, 'home')
    const labels = ['--label', `com.docker.compose.project=${APP}`, '--label', 'com.docker.compose.service=talk', '--label', 'com.docker.compose.container-number=1']
    await docker(['run', '-d', '--name', `${APP}-talk-1`, '--network', 'none', ...labels, hs.images[0], 'sh', '-c', `seq 1 ${LINES} | sed 's/^/log line number /'; sleep 3600`])
    const written = await waitUntil(async () => (await docker(['logs', '--tail', '1', `${APP}-talk-1`])).trim() === `log line number ${LINES}`, 120_000, 500)
    if (!written) throw new Error(`${APP} did not write its ${LINES} lines`)
  }, 180_000)

  afterAll(async () => {
    await removeTestContainers(PREFIX)
    cli?.dispose()
  })

  it('holds little while nothing is read, then prints every line in order', { timeout: 300_000 }, async () => {
    // The same command read as it comes: what the process needs anyway.
    const reader = followLogs()
    const read = readAll(reader)
    const peakReading = await peakWhile(reader.pid!, read)
    expect(await read).toEqual({ inOrder: true, count: LINES })
    await stop(reader)

    // Nothing read: the output waits in the pipe and in the CLI until the CLI stops reading the server.
    const paused = followLogs()
    // The log has begun to come (and the pipe to fill) before the process is watched settling.
    await new Promise((resolve) => paused.stdout.once('readable', resolve))
    let settled = 0
    await expect
      .poll(
        () => {
          const now = rssMiB(paused.pid!)
          const same = Math.abs(now - settled) < 1
          settled = now
          return same
        },
        { timeout: 120_000, interval: 2000 },
      )
      .toBe(true)
    // Unpaced, the whole log (20 MB of text, several times that as strings and line objects) would be in it.
    expect(settled).toBeLessThan(peakReading + 40)
    const all = await readAll(paused)
    expect(all).toEqual({ inOrder: true, count: LINES })
    await stop(paused)
  })
})
