// Runs the real `homeport` command (bin/homeport.js) in a child process with its own HOMEPORT_HOME and HOME,
// so neither the data dir nor ~/.ssh of the machine running the tests is touched.

import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { HomeServerInfo } from '../../homeserver/types.js'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const launcher = path.join(repoRoot, 'bin', 'homeport.js')

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

export interface RunOptions {
  stdin?: string
  /** Added to (or, when undefined, removed from) the sandbox's environment for this run. */
  env?: Record<string, string | undefined>
}

export interface CliSandbox {
  home: string
  dataDir: string
  /** The environment every run gets (HOME and HOMEPORT_HOME point into the sandbox). */
  env: NodeJS.ProcessEnv
  run(args: string[], opts?: RunOptions): Promise<CliResult>
  /** Runs with --json added and parses stdout, failing with stderr when the command did. */
  json<T>(args: string[], opts?: RunOptions): Promise<T>
  dispose(): void
}

/** `launcher`: another copy of bin/homeport.js (a built tree elsewhere); runs the sources unless a run unsets HOMEPORT_CLI_SOURCE. */
export function cliSandbox(sandbox: { launcher?: string } = {}): CliSandbox {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'homeport-cli-'))
  const dataDir = path.join(home, 'data')
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, HOMEPORT_HOME: dataDir, HOMEPORT_CLI_SOURCE: '1' }
  // Login must come from the flags under test, never from an agent that happens to run here.
  delete env.SSH_AUTH_SOCK

  const run = (args: string[], opts: RunOptions = {}) =>
    new Promise<CliResult>((resolve, reject) => {
      const runEnv = { ...env, ...opts.env }
      for (const [key, value] of Object.entries(opts.env ?? {})) if (value === undefined) delete runEnv[key]
      const child = spawn(process.execPath, [sandbox.launcher ?? launcher, ...args], { cwd: repoRoot, env: runEnv, stdio: ['pipe', 'pipe', 'pipe'] })
      let stdout = ''
      let stderr = ''
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
      child.on('error', reject)
      child.on('close', (code) => resolve({ code, stdout, stderr }))
      child.stdin.end(opts.stdin ?? '')
    })

  return {
    home,
    dataDir,
    env,
    run,
    async json<T>(args: string[], opts?: RunOptions): Promise<T> {
      const result = await run([...args, '--json'], opts)
      if (result.code !== 0) throw new Error(`homeport ${args.join(' ')} exited ${result.code}:\n${result.stderr}`)
      return JSON.parse(result.stdout) as T
    },
    dispose: () => fs.rmSync(home, { recursive: true, force: true }),
  }
}

/** `homeport server add NAME` for the test server's main user and ed25519 key, its host key pinned; fails the test if refused. */
export async function addHomeServer(cli: CliSandbox, hs: Pick<HomeServerInfo, 'host' | 'sshPort' | 'user' | 'keys' | 'hostKeyFingerprint'>, name: string): Promise<void> {
  const added = await cli.run(['server', 'add', name, '--host', hs.host, '--port', String(hs.sshPort), '--user', hs.user, '--identity', hs.keys.ed25519, '--host-key', hs.hostKeyFingerprint])
  if (added.code !== 0) throw new Error(`homeport server add ${name} exited ${added.code}: ${added.stderr}`)
}
