#!/usr/bin/env node
// Launcher for the `homeport` command. Runs the bundle dist/cli/cli.cjs when it is there and no source it was
// built from (dist/cli/inputs.json) has changed since, else the TypeScript sources through tsx; always the
// sources with HOMEPORT_CLI_SOURCE=1 (set by the tests), so a stale build cannot hide a change.
//
// Start-up is most of what a short command costs, and compiling the bundle is a good part of it. Node 22.1+
// keeps compiled code on disk itself (Module.enableCompileCache). Node 20 cannot cache ES modules, so the
// bundles are CommonJS and this launcher compiles them with vm.Script and V8's cachedData, kept in a
// per-user folder that nobody else may write to (cached code is code: it runs as whoever loads it).
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
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
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
    // Code cached for an older build of this bundle is never read again.
    for (const old of fs.readdirSync(dir)) if (old.startsWith(`${name}-`) && old !== key) fs.rmSync(path.join(dir, old), { force: true })
  } catch {
    // A cache that cannot be written only costs the next run its compile time.
  }
}

/** Runs one of our CommonJS bundles as require() would, with its compiled code from the cache when V8 accepts it. */
function loadBundle(file, dir) {
  const source = fs.readFileSync(file, 'utf8')
  const { size, mtimeMs } = fs.statSync(file)
  const name = path.basename(file)
  // V8 checks a cache against the source's length only: the key also names the build and the runtime.
  const key = `${name}-${size}-${Math.trunc(mtimeMs)}-${process.version}-${process.arch}.v8`
  let cachedData
  try {
    if (dir) cachedData = fs.readFileSync(path.join(dir, key))
  } catch {
    cachedData = undefined
  }
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData })
  // Written at exit, so the functions this command ran are in it too, compiled.
  if (dir && (!cachedData || script.cachedDataRejected)) process.once('exit', () => writeCache(dir, name, key, script.createCachedData()))
  const plain = Module.createRequire(file)
  const requireIn = (id) => (id.startsWith('./') && id.endsWith('.cjs') ? loadBundle(path.join(path.dirname(file), id), dir) : plain(id))
  Object.assign(requireIn, { resolve: plain.resolve, cache: plain.cache })
  const mod = { exports: {}, filename: file, id: file }
  script.runInThisContext()(mod.exports, requireIn, mod, file, path.dirname(file))
  return mod.exports
}

if (process.env.HOMEPORT_CLI_SOURCE !== '1' && bundleIsFresh()) {
  const dir = cacheDir()
  if (dir && typeof Module.enableCompileCache === 'function') {
    Module.enableCompileCache(dir)
    require(bundle)
  } else {
    loadBundle(bundle, dir)
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
