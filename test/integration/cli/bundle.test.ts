// The bundled CLI, as installed users run it: built here (scripts/build-node.mjs) into a copy of the tree,
// started through its own bin/homeport.js. Fresh, the bundle runs, prints what the sources print, and keeps
// its compiled code in a private cache that V8 accepts on the next run; stale, the launcher runs the sources.

import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import Module from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CatalogDto } from '../../../shared/contract/index.js'
import { createControlServer, createCore, type Core, type ControlServer } from '../../../electron/core/runtime/index.js'
import { docker, useHomeServer } from '../../homeserver/helpers.js'
import { cliSandbox, type CliSandbox } from './run-cli.js'

const hs = useHomeServer()
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const BUNDLE = { env: { HOMEPORT_CLI_SOURCE: undefined } }

/** Runs the bundled CLI and also returns the packages Node loaded from node_modules while it ran. */
async function runTracing(cli: CliSandbox, args: string[], env: Record<string, string | undefined> = {}) {
  const out = path.join(cli.home, `loaded-${Date.now()}.json`)
  const hook = path.join(cli.home, 'trace-loaded.cjs')
  fs.writeFileSync(hook, `process.on('exit', () => require('fs').writeFileSync(process.env.HP_TRACE_OUT, JSON.stringify(Object.keys(require.cache))))\n`)
  const result = await cli.run(args, { env: { ...BUNDLE.env, ...env, NODE_OPTIONS: `--require ${hook}`, HP_TRACE_OUT: out } })
  const files = JSON.parse(fs.readFileSync(out, 'utf8')) as string[]
  const packages = [...new Set(files.map((f) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f)?.[1]).filter((p): p is string => Boolean(p)))].sort()
  return { ...result, packages, bundles: files.filter((f) => f.includes(`${path.sep}dist${path.sep}cli${path.sep}`)).map((f) => path.basename(f)).sort() }
}

describe('the bundled CLI', () => {
  let tree: string
  let cli: CliSandbox
  const cacheDir = () => path.join(cli.home, '.cache', 'homeport', 'v8')
  const cacheFiles = () => (fs.existsSync(cacheDir()) ? fs.readdirSync(cacheDir()).sort() : [])

  beforeAll(() => {
    // A copy of the tree, built there: the sources stay as they were at build time whatever else edits this
    // checkout meanwhile, so fresh and stale mean what the test makes them mean.
    tree = fs.mkdtempSync(path.join(os.tmpdir(), 'homeport-built-'))
    for (const name of ['electron', 'shared', 'scripts', 'bin', 'package.json', 'tsconfig.json']) fs.cpSync(path.join(repoRoot, name), path.join(tree, name), { recursive: true })
    for (const name of ['resources', 'node_modules']) fs.symlinkSync(path.join(repoRoot, name), path.join(tree, name))
    execFileSync(process.execPath, [path.join(tree, 'scripts/build-node.mjs'), 'cli'], { cwd: tree, stdio: 'pipe' })
    cli = cliSandbox({ launcher: path.join(tree, 'bin', 'homeport.js') })
  }, 120_000)

  afterAll(() => {
    cli?.dispose()
    if (tree) fs.rmSync(tree, { recursive: true, force: true })
  })

  it('runs fresh, prints what the sources print, and caches its compiled code where only this user may write', async () => {
    const sources = await cli.run(['server', 'list'])
    expect(cacheFiles()).toEqual([])
    const bundled = await cli.run(['server', 'list'], BUNDLE)
    expect(bundled).toEqual(sources)
    expect(bundled.stdout).toMatch(/^No servers yet\./)
    const files = cacheFiles()
    // Both bundles, and the packages they load from node_modules (on Node 20; Node 22 names its files itself).
    if (!('enableCompileCache' in Module)) {
      expect(files.filter((f) => f.startsWith('dist_cli_')).map((f) => f.replace(/\.cjs-.*$/, '.cjs'))).toEqual(['dist_cli_cli.cjs', 'dist_cli_local-core.cjs'])
      expect(files.some((f) => f.includes('node_modules_better-sqlite3_lib_'))).toBe(true)
    }
    expect(files.length).toBeGreaterThan(1)
    expect(fs.statSync(cacheDir()).mode & 0o777).toBe(0o700)
    for (const f of files) expect(fs.statSync(path.join(cacheDir(), f)).mode & 0o777).toBe(0o600)

    // Accepted by V8 on the next run, so not written again.
    const written = files.map((f) => fs.statSync(path.join(cacheDir(), f)).mtimeMs)
    expect(await cli.run(['server', 'list'], BUNDLE)).toEqual(sources)
    expect(cacheFiles().map((f) => fs.statSync(path.join(cacheDir(), f)).mtimeMs)).toEqual(written)

    // `server list` opens SQLite and nothing else: no keychain, no SSH, no Docker.
    const traced = await runTracing(cli, ['server', 'list'])
    expect(traced.stdout).toBe(sources.stdout)
    expect(traced.packages).toContain('better-sqlite3')
    expect(traced.packages.filter((p) => ['keytar', 'ssh2', 'dockerode', 'docker-modem', 'cpu-features'].includes(p))).toEqual([])

    const version = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }
    expect((await cli.run(['--version'], BUNDLE)).stdout).toBe(`${version.version}\n`)
  })

  it('connects, reads catalogs and reports errors as the sources do (the lazily loaded parts are in the bundle)', async () => {
    const at = ['--host', hs.host, '--port', String(hs.sshPort), '--user', hs.user, '--identity', hs.keys.ed25519, '--host-key', hs.hostKeyFingerprint]
    const added = await cli.run(['server', 'add', 'home', ...at], BUNDLE)
    expect(added.code, added.stderr).toBe(0)
    const ps = await cli.run(['ps', 'home', '--all', '--json'], BUNDLE)
    expect(ps.code, ps.stderr).toBe(0)
    expect(Array.isArray(JSON.parse(ps.stdout))).toBe(true)
    const catalog = await cli.run(['apps', 'catalog', '--json'], BUNDLE)
    expect(catalog.code, catalog.stderr).toBe(0)
    expect((JSON.parse(catalog.stdout) as CatalogDto).apps.length).toBeGreaterThanOrEqual(20)
    const missing = await cli.run(['server', 'test', 'no-such-server'], BUNDLE)
    expect(missing).toEqual(await cli.run(['server', 'test', 'no-such-server']))
    expect(missing.code).toBe(1)
  })

  it('reaches a running Homeport through the control socket', async () => {
    let control: ControlServer | undefined
    let core: Core | undefined
    try {
      control = createControlServer({ dataDir: cli.dataDir })
      core = await control.serve(await createCore({ dataDir: cli.dataDir, events: control.events, sshConfigPath: path.join(cli.home, 'none'), knownHostsPath: path.join(cli.home, 'none') }))
      const through = await runTracing(cli, ['--verbose', 'server', 'list', '--json'])
      expect(through.code, through.stderr).toBe(0)
      // Through the socket the CLI loads no core at all: not even SQLite.
      expect(through.packages).toEqual([])
      expect(through.stderr).toContain(`Using the running Homeport (pid ${process.pid}).`)
      expect(through.stdout).toBe((await cli.run(['server', 'list', '--json'], { env: { HOMEPORT_NO_CONTROL: '1' } })).stdout)
    } finally {
      await control?.close()
      await core?.close()
    }
  })

  it('answers `ps` through a running Homeport connected to the server from the fast-path bundle alone', async () => {
    const name = `hp-bundle-fast-ps-${process.pid}`
    let control: ControlServer | undefined
    let core: Core | undefined
    try {
      await docker(['run', '-d', '--name', name, hs.images[0], 'sleep', '3600'])
      control = createControlServer({ dataDir: cli.dataDir })
      core = await control.serve(await createCore({ dataDir: cli.dataDir, events: control.events, sshConfigPath: path.join(cli.home, 'none'), knownHostsPath: path.join(cli.home, 'none') }))
      // Not connected yet: the whole command runs, on its own connection.
      const own = await runTracing(cli, ['ps', 'home', '--json'])
      expect(own.code, own.stderr).toBe(0)
      expect(own.bundles).toEqual(['cli.cjs', 'fast-ps.cjs', 'local-core.cjs'])
      await core.handlers['servers.connect']({ id: 'home' }, { clientId: 'test' })
      const fast = await runTracing(cli, ['ps', 'home', '--json'])
      expect(fast.code, fast.stderr).toBe(0)
      expect(fast.bundles).toEqual(['fast-ps.cjs'])
      expect(fast.packages).toEqual([])
      const listed = JSON.parse(fast.stdout) as { name: string; state: string }[]
      expect(listed.find((c) => c.name === name)).toMatchObject({ state: 'running' })
      // The table, as the whole command prints it.
      const table = await cli.run(['ps', 'home'], BUNDLE)
      expect(table.stdout.split('\n')[0]).toMatch(/^CONTAINER ID\s+NAME\s+IMAGE\s+STATE\s+STATUS\s+PORTS/)
      expect(table.stdout).toContain(name)
      // Any other flag: the whole command, through the running Homeport all the same.
      const verbose = await runTracing(cli, ['ps', 'home', '--json', '--verbose'])
      expect(verbose.bundles).toEqual(['cli.cjs', 'fast-ps.cjs'])
      expect(verbose.stderr).toContain(`Using the running Homeport (pid ${process.pid}).`)
    } finally {
      await control?.close()
      await core?.close()
      await docker(['rm', '-f', name]).catch(() => '')
    }
  })

  it('runs the sources instead once a source is newer than the bundle', async () => {
    fs.rmSync(path.join(cli.home, '.cache'), { recursive: true, force: true })
    const manifestPath = path.join(tree, 'dist/cli/inputs.json')
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { builtAt: number; inputs: string[] }
    // As if every source had been edited after the build.
    fs.writeFileSync(manifestPath, JSON.stringify({ ...manifest, builtAt: 0 }))
    const stale = await cli.run(['server', 'list', '--json'], BUNDLE)
    expect(stale.code, stale.stderr).toBe(0)
    expect(JSON.parse(stale.stdout)).toEqual([expect.objectContaining({ name: 'home' })])
    expect(cacheFiles()).toEqual([])
  })
})
