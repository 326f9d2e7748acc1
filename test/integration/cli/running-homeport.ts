// A running Homeport for the CLI to ride on: the real web host (electron/web/web.ts through tsx) in a child
// process, on the sandbox's data dir and HOME, so its control socket is the one the sandbox's CLI finds.

import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { connectControl, type ControlClient } from '../../../electron/core/runtime/index.js'
import type { CliSandbox } from './run-cli.js'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

export interface RunningHomeport {
  pid: number
  /** A control-socket client of the test's own, to set the host up (connect a server) as a window would. */
  control: ControlClient
  stderr(): string
  stop(): Promise<void>
}

export async function startWebHost(cli: CliSandbox): Promise<RunningHomeport> {
  const rendererDir = path.join(cli.home, 'renderer')
  fs.mkdirSync(rendererDir, { recursive: true })
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Homeport</title>')
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'electron/web/web.ts'), '--renderer', rendererDir], {
    cwd: repoRoot,
    env: cli.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  // The URL line comes once the core and the control socket are up.
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the web host did not start:\n${stderr}`)), 90_000)
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d
      if (stdout.includes('\n')) {
        clearTimeout(timer)
        resolve()
      }
    })
    void exited.then(() => reject(new Error(`the web host exited:\n${stderr}`)))
  })
  const control = await connectControl(cli.dataDir)
  if (!control) throw new Error(`the web host's control socket does not answer:\n${stderr}`)
  return {
    pid: child.pid!,
    control,
    stderr: () => stderr,
    async stop() {
      control.close()
      child.kill('SIGTERM')
      await exited
    },
  }
}
