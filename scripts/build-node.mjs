// Bundles the Node entry points with esbuild: main (ESM), preload (CommonJS: sandboxed preloads cannot be
// ES modules), the CLI and the web host (ESM). Native and Electron modules stay external and load from
// node_modules at run time. The renderer is built by Vite (renderer/vite.config.ts).

import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const external = ['electron', 'better-sqlite3', 'keytar', 'ssh2', 'cpu-features', 'dockerode', 'docker-modem', 'ws', 'bufferutil', 'utf-8-validate']
// ESM bundles still contain CommonJS dependencies that call require(): give them one.
const banner = { js: "import { createRequire as __hpCreateRequire } from 'node:module'; const require = __hpCreateRequire(import.meta.url);" }

const common = { absWorkingDir: root, bundle: true, platform: 'node', target: 'node20', sourcemap: true, external, logLevel: 'warning' }

await Promise.all([
  build({ ...common, entryPoints: ['electron/main/main.ts'], outfile: 'dist/main/main.js', format: 'esm', banner }),
  build({ ...common, entryPoints: ['electron/preload/preload.ts'], outfile: 'dist/preload/preload.cjs', format: 'cjs' }),
  build({ ...common, entryPoints: ['electron/cli/main.ts'], outfile: 'dist/cli/cli.js', format: 'esm', banner }),
  build({ ...common, entryPoints: ['electron/web/web.ts'], outfile: 'dist/web/web.js', format: 'esm', banner }),
])
