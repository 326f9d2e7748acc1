// Bundles the Node entry points with esbuild: main (ESM), preload (CommonJS: sandboxed preloads cannot be
// ES modules), the CLI and the web host (ESM). Native and Electron modules stay external and load from
// node_modules at run time. The renderer is built by Vite (renderer/vite.config.ts).
//
// `node scripts/build-node.mjs cli [OUTDIR]` builds only the CLI (into dist/cli or OUTDIR), which is three CommonJS bundles (the format whose
// compiled code Node 20 can cache, see bin/homeport.js):
//   dist/cli/cli.cjs         commands, output and the control-socket client: all a call through a running
//                            Homeport needs. Core and shared modules count as free of side effects here,
//                            so importing the client from runtime/index.ts brings the client alone.
//   dist/cli/fast-ps.cjs     `ps` through a running Homeport, tried by the launcher before cli.cjs is loaded.
//   dist/cli/local-core.cjs  the CLI's own core (SSH, Docker, SQLite), required only when no running
//                            Homeport can take the command. dockerode and docker-modem are bundled into
//                            it (their code is then cached with ours), all but dockerode's BuildKit parts
//                            (gRPC and protobuf, 60 ms to load), which only image builds use.
// dist/cli/inputs.json lists the sources of both, so the launcher can tell a stale bundle from a fresh one.

import { build } from 'esbuild'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const external = ['electron', 'better-sqlite3', 'keytar', 'ssh2', 'cpu-features', 'dockerode', 'docker-modem', 'ws', 'bufferutil', 'utf-8-validate']
// ESM bundles still contain CommonJS dependencies that call require(): give them one.
const banner = { js: "import { createRequire as __hpCreateRequire } from 'node:module'; const require = __hpCreateRequire(import.meta.url);" }

const common = { absWorkingDir: root, bundle: true, platform: 'node', target: 'node20', sourcemap: true, external, logLevel: 'warning' }

/** The CLI's CommonJS bundles: import.meta.url from __filename, import() as require() (run through vm.Script, see bin/homeport.js). */
const cliCommon = {
  ...common,
  format: 'cjs',
  metafile: true,
  supported: { 'dynamic-import': false },
  define: { 'import.meta.url': '__hpImportMetaUrl' },
  banner: { js: "const __hpImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
}

const isOurs = (file) => ['electron/core/', 'shared/'].some((dir) => path.relative(root, file).split(path.sep).join('/').startsWith(dir))

/** The front bundle: the local core becomes a require of its own bundle; core and shared modules are tree-shaken. */
const cliFront = {
  name: 'cli-front',
  setup(b) {
    b.onResolve({ filter: /\/local-core\.js$/ }, (args) => (args.kind === 'dynamic-import' ? { path: './local-core.cjs', external: true } : undefined))
    b.onResolve({ filter: /^\.\.?\// }, async (args) => {
      if (args.pluginData === 'cli-front') return undefined
      const resolved = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'cli-front' })
      return resolved.errors.length || !isOurs(resolved.path) ? resolved : { ...resolved, sideEffects: false }
    })
  },
}

/** dockerode's BuildKit session and progress decoder stay in node_modules, loaded on their first call. */
const lazyBuildKit = {
  name: 'lazy-buildkit',
  setup(b) {
    const inDockerode = (args) => /[\\/]node_modules[\\/]dockerode[\\/]lib[\\/]/.test(args.importer)
    b.onResolve({ filter: /^\.\/buildkit$/ }, (args) => (inDockerode(args) ? { path: 'dockerode/lib/buildkit.js', external: true } : undefined))
    b.onResolve({ filter: /^\.\/session$/ }, (args) => (inDockerode(args) ? { path: 'dockerode-session', namespace: 'lazy-buildkit' } : undefined))
    b.onResolve({ filter: /^dockerode\/lib\/session\.js$/ }, () => ({ path: 'dockerode/lib/session.js', external: true }))
    b.onLoad({ filter: /.*/, namespace: 'lazy-buildkit' }, () => ({
      contents: "module.exports = function withSession() { return require('dockerode/lib/session.js').apply(this, arguments) }",
      loader: 'js',
      resolveDir: root,
    }))
  },
}

async function buildCli(outdir = path.join(root, 'dist/cli')) {
  const started = Date.now()
  const results = await Promise.all([
    build({ ...cliCommon, entryPoints: ['electron/cli/main.ts'], outfile: path.join(outdir, 'cli.cjs'), plugins: [cliFront] }),
    build({ ...cliCommon, entryPoints: ['electron/cli/fast-ps.ts'], outfile: path.join(outdir, 'fast-ps.cjs'), plugins: [cliFront] }),
    build({ ...cliCommon, entryPoints: ['electron/cli/local-core.ts'], outfile: path.join(outdir, 'local-core.cjs'), external: external.filter((name) => name !== 'dockerode' && name !== 'docker-modem'), plugins: [lazyBuildKit] }),
  ])
  const inputs = new Set(['package.json'])
  for (const { metafile } of results) for (const file of Object.keys(metafile.inputs)) if (!file.includes('node_modules/')) inputs.add(file)
  mkdirSync(outdir, { recursive: true })
  writeFileSync(path.join(outdir, 'inputs.json'), JSON.stringify({ builtAt: started, inputs: [...inputs].sort() }, null, 1) + '\n')
}

if (process.argv[2] === 'cli') {
  await buildCli(process.argv[3] && path.resolve(process.argv[3]))
} else {
  await Promise.all([
    build({ ...common, entryPoints: ['electron/main/main.ts'], outfile: 'dist/main/main.js', format: 'esm', banner }),
    build({ ...common, entryPoints: ['electron/preload/preload.ts'], outfile: 'dist/preload/preload.cjs', format: 'cjs' }),
    buildCli(),
    build({ ...common, entryPoints: ['electron/web/web.ts'], outfile: 'dist/web/web.js', format: 'esm', banner }),
  ])
}
