import { obtainHomeServer } from './bench-homeserver.js'
import { openBenchCore, BENCH_SERVER, CLIENT } from './bench-core.js'
import { createLogApp, LOG_LINES } from './apps-logs-bench.js'
import { withDeadline } from './bench-stats.js'
const server = await obtainHomeServer()
const bench = await openBenchCore(server.info)
const app = await createLogApp(server.info)
try {
  for (let i = 0; i < 8; i++) {
    const t = Date.now()
    const lines = await withDeadline(bench.core.handlers['apps.logs']({ serverId: BENCH_SERVER, app: app.app, tail: LOG_LINES, timestamps: false }, CLIENT), 40_000, 'logs')
    console.log(i, lines.length, Date.now() - t, 'ms')
  }
} catch (e) { console.log('ERR', (e as Error).message) }
finally { await app.remove(); await bench.close(); await server.release(); process.exit(0) }
