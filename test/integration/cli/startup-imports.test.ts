// What every front end pays before its first call: the modules evaluated when electron/core/runtime/index.ts
// loads. Following static imports only (an `import()` is put off until first use), none of the heavy packages
// may be reached: SSH and Docker load on the first connection, the apps domain (compose engine, Ajv, YAML,
// archives) on its first call (runtime/lazy.ts, runtime/engine-defaults.ts). A static import of one of them
// anywhere under the core puts its cost back on `homeport server list`, and this test names the chain.

import { build, type Metafile } from 'esbuild'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const HEAVY = ['ssh2', 'dockerode', 'docker-modem', 'keytar', 'yaml', 'ajv', 'ajv-formats', 'tar', 'fflate']
const ENTRY = 'electron/core/runtime/index.ts'

/** Every package reached from ENTRY through static imports, with one chain of files that reaches it. */
async function staticallyReached(): Promise<Map<string, string[]>> {
  const { metafile } = await build({
    absWorkingDir: repoRoot,
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    outfile: 'out.js',
    logLevel: 'silent',
    // Kept external, yet still listed as imports: enough to see who asks for them.
    external: ['electron', 'better-sqlite3', 'keytar', 'ssh2', 'cpu-features', 'dockerode', 'docker-modem'],
  })
  const inputs: Metafile['inputs'] = metafile.inputs
  const parent = new Map<string, string>()
  const queue = [ENTRY]
  const packages = new Map<string, string[]>()
  while (queue.length) {
    const file = queue.shift()!
    for (const imported of inputs[file]?.imports ?? []) {
      if (imported.kind === 'dynamic-import' || parent.has(imported.path) || imported.path === ENTRY) continue
      parent.set(imported.path, file)
      const pkg = /(?:^|node_modules\/)((?:@[^/]+\/)?[^/.][^/]*)/.exec(imported.external ? imported.path : imported.path.includes('node_modules/') ? imported.path.slice(imported.path.lastIndexOf('node_modules/')) : '')?.[1]
      if (pkg && !packages.has(pkg)) {
        const chain = [imported.path]
        for (let at = file; at; at = parent.get(at)!) chain.unshift(at)
        packages.set(pkg, chain)
      }
      if (!imported.external) queue.push(imported.path)
    }
  }
  return packages
}

describe('loading the core', () => {
  it('reaches none of the heavy packages through static imports', async () => {
    const reached = await staticallyReached()
    // The guard must see packages at all: SQLite is loaded up front, by design.
    expect(reached.has('better-sqlite3')).toBe(true)
    const heavy = HEAVY.filter((pkg) => reached.has(pkg)).map((pkg) => `${pkg}: ${reached.get(pkg)!.join(' → ')}`)
    expect(heavy).toEqual([])
  })
})
