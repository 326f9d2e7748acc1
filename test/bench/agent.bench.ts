// The agent's own cost on a server: `homeport-agent watch 5 paced` as the app runs it (the app writes a
// newline every 5 s) against `top -b -d 5` (the anchor), over the same stretch of time, side by side, each
// under GNU time for CPU seconds (user + system, children included) and peak RSS. The self-paced
// `watch 5` (a sleep per interval) is shown too. Run: `npm run bench:agent` (5 minutes;
// HOMEPORT_BENCH_SECONDS shortens it).
// Needs Linux with dash and GNU time (`apt-get install time`).

import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

const seconds = Number(process.env.HOMEPORT_BENCH_SECONDS ?? 300)
const interval = 5
const agent = path.resolve(import.meta.dirname, '../../resources/agent/homeport-agent')

interface Cost {
  cpuSeconds: number
  peakRssKiB: number
}

/** Runs argv under GNU time; `stop` ends it (closing stdin or by itself). */
function measured(argv: string[], stop: (child: ReturnType<typeof spawn>) => void): Promise<Cost> {
  const dir = mkdtempSync(path.join(tmpdir(), 'homeport-bench-agent-'))
  const out = path.join(dir, 'time')
  const child = spawn('/usr/bin/time', ['-f', '%U %S %M', '-o', out, ...argv], { stdio: ['pipe', 'ignore', 'inherit'] })
  stop(child)
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', () => {
      const line = readFileSync(out, 'utf8').trim().split('\n').at(-1)!
      const [user, sys, rss] = line.split(' ').map(Number)
      rmSync(dir, { recursive: true, force: true })
      resolve({ cpuSeconds: user + sys, peakRssKiB: rss })
    })
  })
}

async function main(): Promise<void> {
  const iterations = Math.max(1, Math.round(seconds / interval))
  process.stdout.write(`agent watch ${interval} vs top -b -d ${interval}, ${seconds} s each, side by side…\n`)
  const paced = (child: ReturnType<typeof spawn>) => {
    const timer = setInterval(() => child.stdin?.write('\n'), interval * 1000)
    setTimeout(() => {
      clearInterval(timer)
      child.stdin?.end()
    }, seconds * 1000 + 500)
  }
  const [agentCost, selfPacedCost, topCost] = await Promise.all([
    measured(['dash', agent, 'watch', String(interval), 'paced'], paced),
    measured(['dash', agent, 'watch', String(interval)], (child) => setTimeout(() => child.stdin?.end(), seconds * 1000 + 500)),
    measured(['top', '-b', '-d', String(interval), '-n', String(iterations + 1)], (child) => child.stdin?.end()),
  ])
  const row = (name: string, c: Cost) => `${name.padEnd(30)} ${c.cpuSeconds.toFixed(2).padStart(8)} s CPU ${String(c.peakRssKiB).padStart(8)} KiB peak RSS`
  process.stdout.write(`${row('top -b -d 5 (anchor)', topCost)}\n${row('homeport-agent watch 5 paced', agentCost)}\n${row('homeport-agent watch 5 (sleep)', selfPacedCost)}\n`)
  const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : 'n/a')
  process.stdout.write(`ratio agent/top (as the app runs it): CPU ${ratio(agentCost.cpuSeconds, topCost.cpuSeconds)}x, peak RSS ${ratio(agentCost.peakRssKiB, topCost.peakRssKiB)}x (target: ≤ 1)\n`)
  process.stdout.write(`ratio self-paced agent/top: CPU ${ratio(selfPacedCost.cpuSeconds, topCost.cpuSeconds)}x, peak RSS ${ratio(selfPacedCost.peakRssKiB, topCost.peakRssKiB)}x\n`)
}

await main()
