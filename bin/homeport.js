#!/usr/bin/env node
// Launcher for the `homeport` command. Runs the bundle dist/cli/cli.cjs when it is there and no source it was
// built from (dist/cli/inputs.json) has changed since, else the TypeScript sources through tsx; always the
// sources with HOMEPORT_CLI_SOURCE=1 (set by the tests), so a stale build cannot hide a change.
//
// Start-up is most of what a short command costs, and compiling code is a good part of it. Node 22.1+ keeps
// compiled code on disk itself (module.enableCompileCache). Node 20 cannot cache ES modules, so the bundles
// are CommonJS, and this launcher compiles them and the packages they load with vm.Script and V8's
// cachedData. Either way the cache is a per-user folder that nobody else may write to (cached code is code:
// it runs as whoever loads it).
// This file is CommonJS itself (bin/package.json): an ES module entry costs Node its ESM loader, and
// `import fs` reads every fs export, fs.promises included, before the first line runs.
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose, as said above */

const fs = require('node:fs')
const Module = require('node:module')
const os = require('node:os')
const path = require('node:path')
const { pathToFileURL } = require('node:url')
const vm = require('node:vm')

const root = path.join(__dirname, '..')
const distDir = path.join(root, 'dist', 'cli')
const bundle = path.join(distDir, 'cli.cjs')

/** Built, and no source listed at build time is newer (an installed package ships no sources: fresh). */
function bundleIsFresh() {
  let manifest
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(distDir, 'inputs.json'), 'utf8'))
    fs.accessSync(bundle)
  } catch {
    return false
  }
  // Plain concatenation: path.join over every input costs more than the stat calls themselves.
  const prefix = root + path.sep
  for (const input of manifest.inputs) {
    const changed = fs.statSync(prefix + input, { throwIfNoEntry: false })?.mtimeMs
    if (changed !== undefined && changed > manifest.builtAt) return false
  }
  return true
}

/** ~/.cache/homeport/v8 (or the platform's equivalent), if it is a directory only this user can write. */
function cacheDir() {
  const home = os.homedir()
  const base =
    process.env.XDG_CACHE_HOME ||
    (process.platform === 'darwin' ? path.join(home, 'Library', 'Caches') : process.platform === 'win32' ? process.env.LOCALAPPDATA || os.tmpdir() : path.join(home, '.cache'))
  const dir = path.join(base, 'homeport', 'v8')
  try {
    // One level at a time: a recursive mkdir under a path such as /proc never returns.
    for (const level of [base, path.dirname(dir), dir]) {
      try {
        fs.mkdirSync(level, { mode: 0o700 })
      } catch (err) {
        if (err.code !== 'EEXIST') throw err
      }
    }
    const info = fs.lstatSync(dir)
    const ours = !process.getuid || (info.uid === process.getuid() && (info.mode & 0o022) === 0)
    return info.isDirectory() && ours ? dir : undefined
  } catch {
    return undefined
  }
}

function writeCache(dir, name, key, data) {
  try {
    const tmp = path.join(dir, `${key}.${process.pid}.tmp`)
    fs.writeFileSync(tmp, data, { mode: 0o600 })
    fs.renameSync(tmp, path.join(dir, key))
    // Code cached for an older version of this file is never read again.
    for (const old of fs.readdirSync(dir)) if (old.startsWith(`${name}-`) && old !== key) fs.rmSync(path.join(dir, old), { force: true })
  } catch {
    // A cache that cannot be written only costs the next run its compile time.
  }
}

/** What Node's own loader gives a module as `require` (Node's makeRequireFunction, which is internal). */
function requireFor(mod) {
  const requireIn = (id) => mod.require(id)
  requireIn.resolve = (request, options) => Module._resolveFilename(request, mod, false, options)
  requireIn.resolve.paths = (request) => Module._resolveLookupPaths(request, mod)
  requireIn.main = require.main
  requireIn.extensions = Module._extensions
  requireIn.cache = Module._cache
  return requireIn
}

/**
 * Node 20's stand-in for module.enableCompileCache: every CommonJS file of the bundles and of node_modules is
 * compiled with the code V8 cached for it the last time (as the v8-compile-cache package does), and what had
 * to be compiled afresh is saved at exit, so the functions the command ran are in it too.
 */
function cacheCompiledCode(dir) {
  const compile = Module.prototype._compile
  const fresh = []
  Module.prototype._compile = function (content, filename) {
    const name = path.relative(root, filename).replace(/[^\w.-]+/g, '_')
    const ours = filename.startsWith(distDir + path.sep) || filename.includes(`${path.sep}node_modules${path.sep}`)
    if (!ours || name.length > 200) return compile.call(this, content, filename)
    const { size, mtimeMs } = fs.statSync(filename)
    // V8 checks a cache against the source's length only: the key also names the file's version.
    const key = `${name}-${size}-${Math.trunc(mtimeMs)}.v8`
    let cachedData
    try {
      cachedData = fs.readFileSync(path.join(dir, key))
    } catch {
      cachedData = undefined
    }
    const script = new vm.Script(Module.wrap(content), { filename, cachedData, importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER })
    if (!cachedData || script.cachedDataRejected) fresh.push({ name, key, script })
    return script.runInThisContext({ displayErrors: true }).call(this.exports, this.exports, requireFor(this), this, filename, path.dirname(filename))
  }
  process.once('exit', () => {
    for (const { name, key, script } of fresh) writeCache(dir, name, key, script.createCachedData())
  })
}

// HOMEPORT_CLI_SOURCE=0 takes the bundle without asking the sources (benchmarks, which build it first).
const choice = process.env.HOMEPORT_CLI_SOURCE
if (choice === '0' || (choice !== '1' && bundleIsFresh())) {
  const dir = cacheDir()
  if (dir && typeof Module.enableCompileCache === 'function') Module.enableCompileCache(dir)
  else if (dir) cacheCompiledCode(dir)
  // `ps` asks a running Homeport first, with a bundle of its own that holds nothing else (electron/cli/fast-ps.ts).
  const args = process.argv.slice(2)
  if (args[0] === 'ps' && process.env.HOMEPORT_NO_CONTROL !== '1') {
    require(path.join(distDir, 'fast-ps.cjs'))
      .tryFastPs(args)
      .then(
        (printed) => printed || require(bundle),
        () => require(bundle),
      )
  } else {
    require(bundle)
  }
} else {
  import('tsx/esm/api')
    .then(({ register }) => {
      register()
      return import(pathToFileURL(path.join(root, 'electron', 'cli', 'main.ts')).href)
    })
    .catch((err) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
      process.exitCode = 1
    })
}
