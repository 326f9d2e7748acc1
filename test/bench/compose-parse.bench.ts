// How reading a compose file grows with its length: long port lists and environments used to take
// quadratic time (duplicate-key and unique-entry checks, port clashes). Four times the entries should cost
// about 4× (linear), not 16× (quadratic). Printed as ratios measured in the same run. Run: `npm run bench:compose`.

import { envFile, portsFile } from '../../electron/core/compose/long-files.fixture.js'
import { loadCompose } from '../../electron/core/compose/load.js'

const load = (yamlText: string) => loadCompose({ yamlText, projectName: 'big', projectDir: '/srv/big' })


/** The fastest of five runs, in ms: the machine's noise only ever adds time. */
function timed(text: string): number {
  let best = Infinity
  for (let i = 0; i < 5; i++) {
    const t = performance.now()
    load(text)
    best = Math.min(best, performance.now() - t)
  }
  return best
}

load(portsFile(10)) // compiles the schema once
const rows: [string, number][] = [
  ['ports: 16,000 / 4,000 entries', timed(portsFile(16000)) / timed(portsFile(4000))],
  ['environment: 16,000 / 4,000 entries', timed(envFile(16000)) / timed(envFile(4000))],
]
console.log('what                                  ratio   linear ≈ 4, quadratic ≈ 16, target < 8')
for (const [what, ratio] of rows) console.log(`${what.padEnd(38)}${ratio.toFixed(2).padStart(5)}   ${ratio < 8 ? 'ok' : 'MISSED'}`)
