// `npm run bench:monitor`: (1) the laptop's cost — the core's CPU for 10 connected servers sampled every 5 s,
// against the same connections unmonitored; (2) the history — 90 days for 10 servers, the 7-day chart query
// against a full-table scan, the database size bound. HOMEPORT_BENCH_SECONDS sets the measured
// stretch (default 120 s), HOMEPORT_BENCH_QUERY_RUNS the query runs (default 60). Exits 0 when a target is
// missed: a missed target is a figure, not a failure.

import type { HomeServerInfo } from '../homeserver/types.js'
import { runBench } from './bench-homeserver.js'
import { benchCpu, printCpu } from './monitor-cpu-bench.js'
import { benchHistory, printHistory } from './monitor-history-bench.js'

const SECONDS = Number(process.env.HOMEPORT_BENCH_SECONDS ?? 120)
const QUERY_RUNS = Number(process.env.HOMEPORT_BENCH_QUERY_RUNS ?? 60)
const log = (line: string): void => console.log(line)

// The CPU stretch runs first, so the garbage of 600,000 generated rows is not collected inside it.
runBench(async (info: HomeServerInfo) => {
  const cpu = await benchCpu(info, SECONDS, log)
  const history = await benchHistory(QUERY_RUNS, log)
  printCpu(cpu)
  printHistory(history, QUERY_RUNS)
})
