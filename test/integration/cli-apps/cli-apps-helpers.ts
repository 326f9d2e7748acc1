// Shared set-up of the `homeport apps` tests: a CLI sandbox with the test server added and its registry
// set as the mirror, a way to run a long-lived command (open, install to interrupt), and queries of what
// a Compose project left on the server.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { HomeServerInfo } from '../../homeserver/types.js'
import { docker } from '../../homeserver/helpers.js'
import { cliSandbox, type CliSandbox } from '../cli/run-cli.js'

const launcher = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/homeport.js')

export const SERVER = 'home'

export async function appsSandbox(hs: HomeServerInfo): Promise<CliSandbox> {
  const cli = cliSandbox()
  const added = await cli.run(['server', 'add', SERVER, '--host', hs.host, '--port', String(hs.sshPort), '--user', hs.user, '--identity', hs.keys.ed25519, '--host-key', hs.hostKeyFingerprint])
  if (added.code !== 0) throw new Error(`server add failed: ${added.stderr}`)
  const mirror = await cli.run(['apps', 'mirror', SERVER, hs.registry])
  if (mirror.code !== 0) throw new Error(`apps mirror failed: ${mirror.stderr}`)
  return cli
}

export interface LiveCli {
  child: ChildProcessWithoutNullStreams
  stdout: () => string
  stderr: () => string
  /** Resolves with the first stdout line matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>
  exited: Promise<number | null>
}

/** Starts the CLI and returns at once, for commands that run until interrupted. */
export function startCli(cli: CliSandbox, args: string[]): LiveCli {
  const env: NodeJS.ProcessEnv = { ...cli.env }
  delete env.SSH_AUTH_SOCK
  const child = spawn(process.execPath, [launcher, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  const waiters: (() => void)[] = []
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d
    for (const w of waiters.slice()) w()
  })
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d))
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  child.stdin.end()
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForLine: (pattern, timeoutMs = 60_000) =>
      new Promise<string>((resolve, reject) => {
        const check = () => {
          const line = out.split('\n').find((l) => pattern.test(l))
          if (line === undefined) return false
          clearTimeout(timer)
          if (waiters.includes(check)) waiters.splice(waiters.indexOf(check), 1)
          resolve(line)
          return true
        }
        const timer = setTimeout(() => reject(new Error(`no stdout line matching ${pattern}; stdout:\n${out}\nstderr:\n${err}`)), timeoutMs)
        if (!check()) waiters.push(check)
        void exited.then(() => setTimeout(() => check() || reject(new Error(`exited without a line matching ${pattern}; stderr:\n${err}`)), 10))
      }),
  }
}

/** Containers, networks and volumes carrying the project's Compose label, and whether its folder exists. */
export async function projectLeftovers(project: string): Promise<{ containers: string[]; networks: string[]; volumes: string[] }> {
  const list = async (args: string[]) => (await docker([...args, '--filter', `label=com.docker.compose.project=${project}`])).split('\n').filter(Boolean)
  return {
    containers: await list(['ps', '-a', '--format', '{{.Names}}']),
    networks: await list(['network', 'ls', '--format', '{{.Name}}']),
    volumes: await list(['volume', 'ls', '--format', '{{.Name}}']),
  }
}

export function appFolder(hs: HomeServerInfo, app: string): string {
  return `/home/${hs.user}/.local/share/homeport/apps/${app}`
}

/** Pushes `source` (a local image) to the test registry as `repo:tag`, so `docker.io/repo:tag` resolves through the mirror. */
export async function pushAs(hs: HomeServerInfo, source: string, repoTag: string): Promise<string> {
  const target = `${hs.registry}/${repoTag}`
  await docker(['tag', source, target])
  await docker(['push', '--quiet', target])
  return target
}

export async function inspect(format: string, ...names: string[]): Promise<string> {
  return (await docker(['inspect', '-f', format, ...names])).trim()
}

/**
 * Builds a web image (busybox httpd serving a page with `homeport test app`) with a layer of its own, from
 * busybox:1 rather than the shared httpd:1 tag, which other suites retag while testing broken updates.
 */
export async function buildWebImage(hs: HomeServerInfo, target: string): Promise<void> {
  const src = `hp-cli-build-${process.pid}`
  await docker(['rm', '-f', src]).catch(() => '')
  const page = `<!doctype html><title>homeport test app</title><p>${Date.now()}</p>`
  await docker(['run', '--name', src, `${hs.registry}/homeport/busybox:1`, 'sh', '-c', `mkdir -p /www && echo '${page}' > /www/index.html`])
  await docker(['commit', '--change', 'CMD ["httpd", "-f", "-v", "-p", "80", "-h", "/www"]', src, target])
  await docker(['rm', src])
}
