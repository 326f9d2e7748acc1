import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { startHomeServer, stopHomeServer } from '../homeserver/home-server.js'
import { openBenchCore, BENCH_SERVER, CLIENT } from './bench-core.js'
import { createLogApp, LOG_LINES } from './apps-logs-bench.js'
import { withDeadline } from './bench-stats.js'
const { info } = await startHomeServer(process.pid)
const bench = await openBenchCore(info)
const app = await createLogApp(info)
try {
  const listener = Number(readFileSync(info.sshdPidFile, 'utf8').trim())
  const t = Date.now()
  const p = bench.core.handlers['apps.logs']({ serverId: BENCH_SERVER, app: app.app, tail: LOG_LINES, timestamps: false }, CLIENT)
  setTimeout(() => {
    const kids = execFileSync('pgrep', ['-P', String(listener)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean)
    const all = [...kids, ...kids.flatMap((k) => { try { return execFileSync('pgrep', ['-P', k], { encoding: 'utf8' }).trim().split('\n') } catch { return [] } })]
    console.log('killing', all)
    for (const pid of all.reverse()) try { process.kill(Number(pid), 'SIGKILL') } catch {}
  }, 1500)
  const r = await withDeadline(p, 60_000, 'logs').then((l) => `resolved ${l.length}`, (e) => `rejected: ${(e as Error).message}`)
  console.log(r, Date.now() - t, 'ms')
} finally { await app.remove(); await bench.close(); await stopHomeServer(info.workDir); process.exit(0) }
