// Helpers for integration and e2e tests that run against the test home server.

import { mkdtemp, open, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Client } from 'ssh2'
import { beforeEach, inject, TestRunner } from 'vitest'
import { HomeportError } from '../../shared/errors.js'
import { childPids, isAlive, readPidFile, run, stopPid, waitUntil } from './process.js'
import { startLatencyProxy, type LatencyProxy } from './latency-proxy.js'
import { startSshdWithConfig } from './sshd.js'
import type { HomeServerInfo } from './types.js'

/**
 * The home server of this run. Call it at the top of a test file: when the server is unavailable (not
 * Linux, not root, or no integration project selected) every test of the file is skipped with the reason,
 * or, under HOMEPORT_REQUIRE_HOMESERVER=1, the file fails.
 */
export function useHomeServer(): HomeServerInfo {
  const info = inject('homeserver')
  if (info?.available) return info
  const reason = info?.reason ?? 'the home server global setup (test/homeserver/global-setup.ts) did not run'
  if (process.env.HOMEPORT_REQUIRE_HOMESERVER === '1') {
    throw new Error(`HOMEPORT_REQUIRE_HOMESERVER=1 but the test home server is unavailable: ${reason}`)
  }
  // Tests and describe blocks inherit the file-level collector's options as they are declared, so every
  // test that follows is collected as skipped and the file's beforeAll hooks (which would connect to a
  // server that is not there) never run. Each test file runs in its own worker (isolate is on), so this
  // does not leak into other files.
  const fileCollector = TestRunner.getCurrentSuite()
  if (fileCollector.options) fileCollector.options.skip = true
  beforeEach((context) => context.skip(`test home server unavailable: ${reason}`))
  process.stderr.write(`skipping ${fileCollector.file?.name ?? 'this file'}: test home server unavailable: ${reason}\n`)
  return info ?? unavailablePlaceholder(reason)
}

function unavailablePlaceholder(reason: string): HomeServerInfo {
  return { available: false, reason } as HomeServerInfo
}

function server(): HomeServerInfo {
  const info = inject('homeserver')
  if (!info?.available) throw new Error(`test home server unavailable: ${info?.reason ?? 'not provided'}`)
  return info
}

/** The pidfile and log of the sshd listening on `port` (the main one by default). */
function sshdOn(port?: number): { pidFile: string; log: string } {
  const info = server()
  const names = new Map<number, string>([
    [info.sshPort, 'sshd'],
    [info.jumpPort, 'sshd-jump'],
    [info.noStreamLocalPort, 'sshd-no-stream-local'],
  ])
  const name = names.get(port ?? info.sshPort)
  if (!name) throw new Error(`no test sshd listens on port ${port}`)
  return { pidFile: join(info.workDir, `${name}.pid`), log: join(info.workDir, `${name}.log`) }
}

/**
 * Kills the per-connection processes of an sshd (the listener's children), leaving the listener up, as a
 * network drop or server-side kill would. Returns how many connections were cut.
 */
export async function killSshConnections(port?: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<number> {
  const listener = await readPidFile(sshdOn(port).pidFile)
  if (listener === undefined || !isAlive(listener)) throw new Error(`the sshd on port ${port ?? server().sshPort} is not running`)
  // Each connection is a `[priv]` process whose child (`user@notty`) holds the socket: kill the whole tree,
  // or the TCP connection stays up.
  const connections: number[] = []
  const collect = (pid: number) => {
    for (const child of childPids(pid)) {
      connections.push(child)
      collect(child)
    }
  }
  collect(listener)
  for (const pid of connections.reverse()) {
    try {
      process.kill(pid, signal)
    } catch {
      // already gone
    }
  }
  await waitUntil(() => connections.every((pid) => !isAlive(pid)), 5_000)
  return connections.length
}

/**
 * Restarts the main sshd on the same port with another ed25519 host key ('alternate', whose fingerprint
 * is `alternateHostKeyFingerprint`) or with its own keys again ('original'). Open connections are cut.
 */
export async function swapHostKey(to: 'alternate' | 'original'): Promise<void> {
  const info = server()
  const configPath = to === 'alternate' ? info.alternateSshdConfigPath : info.sshdConfigPath
  await startSshdWithConfig({ configPath, pidFile: info.sshdPidFile, logPath: info.sshdLog }, info.sshPort)
}

/**
 * The main sshd as seen over a slow link: a proxy on its own loopback port that holds every chunk for
 * `oneWayMs` in each direction (round trip = twice that). Connect to `proxy.port`; close it when done.
 */
export function delayedSshd(oneWayMs: number): Promise<LatencyProxy> {
  return startLatencyProxy({ targetPort: server().sshPort, oneWayMs })
}

/** Current size of an sshd's log, to pass to `sshdLogSince` after a step. */
export async function sshdLogSize(port?: number): Promise<number> {
  return (await stat(sshdOn(port).log)).size
}

/** What an sshd (the main one by default) logged after byte `offset`. */
export async function sshdLogSince(offset: number, port?: number): Promise<string> {
  const handle = await open(sshdOn(port).log, 'r')
  try {
    const { size } = await handle.stat()
    if (size <= offset) return ''
    const buffer = Buffer.alloc(size - offset)
    await handle.read(buffer, 0, buffer.length, offset)
    return buffer.toString('utf8')
  } finally {
    await handle.close()
  }
}

export interface SshAgent {
  /** Value for SSH_AUTH_SOCK. */
  socket: string
  stop: () => Promise<void>
}

export interface AgentKey {
  path: string
  passphrase?: string
}

/** Starts a private ssh-agent and adds the keys (a passphrase is answered through SSH_ASKPASS). */
export async function startSshAgent(keys: Array<string | AgentKey>): Promise<SshAgent> {
  const dir = await mkdtemp(join(tmpdir(), 'homeport-test-agent-'))
  const socket = join(dir, 'agent.sock')
  const started = await run('ssh-agent', ['-s', '-a', socket])
  const pid = Number(/SSH_AGENT_PID=(\d+)/.exec(started.stdout)?.[1])
  const stop = async (): Promise<void> => {
    if (Number.isInteger(pid)) await stopPid(pid)
    await rm(dir, { recursive: true, force: true })
  }
  try {
    for (const key of keys) {
      const { path, passphrase } = typeof key === 'string' ? { path: key, passphrase: undefined } : key
      const env: NodeJS.ProcessEnv = { ...process.env, SSH_AUTH_SOCK: socket }
      if (passphrase !== undefined) {
        const askpass = join(dir, 'askpass.sh')
        await writeFile(join(dir, 'passphrase'), passphrase, { mode: 0o600 })
        await writeFile(askpass, `#!/bin/sh\ncat '${join(dir, 'passphrase')}'\n`, { mode: 0o700 })
        Object.assign(env, { SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: env.DISPLAY ?? ':0' })
      }
      await run('ssh-add', ['-q', path], { env })
      await rm(join(dir, 'passphrase'), { force: true })
    }
  } catch (error) {
    await stop()
    throw error
  }
  return { socket, stop }
}

/** Runs the docker CLI straight against the test engine (not through SSH); returns stdout. */
export async function docker(args: readonly string[], input?: string): Promise<string> {
  const result = await run('docker', args, { env: { ...process.env, DOCKER_HOST: server().dockerHost }, input })
  return result.stdout
}

/** Removes containers (with their anonymous volumes), then networks and volumes whose names start with `prefix`. */
export async function removeTestContainers(prefix: string): Promise<void> {
  if (!prefix) throw new Error('removeTestContainers needs a non-empty prefix')
  const env = { ...process.env, DOCKER_HOST: server().dockerHost }
  const named = async (args: string[]): Promise<string[]> =>
    (await run('docker', args, { env })).stdout
      .split('\n')
      .filter((line) => line.startsWith(prefix))
  const containers = await named(['ps', '-a', '--format', '{{.Names}}'])
  if (containers.length > 0) await run('docker', ['rm', '-f', '-v', ...containers], { env, allowFailure: true })
  const networks = await named(['network', 'ls', '--format', '{{.Name}}'])
  if (networks.length > 0) await run('docker', ['network', 'rm', ...networks], { env, allowFailure: true })
  const volumes = await named(['volume', 'ls', '--format', '{{.Name}}'])
  if (volumes.length > 0) await run('docker', ['volume', 'rm', '-f', ...volumes], { env, allowFailure: true })
}

/**
 * Runs `command` on a plain ssh2 client (not Homeport's connection engine, for tests that check the server
 * itself); stdin, when given, is sent and closed.
 */
export function execOnClient(client: Client, command: string, stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, channel) => {
      if (error) return reject(error)
      let stdout = ''
      let stderr = ''
      channel.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
      channel.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      channel.on('close', (code: number | null) => resolve({ code: code ?? -1, stdout, stderr }))
      if (stdin !== undefined) channel.end(stdin)
    })
  })
}

/** The HomeportError a call fails with; fails the test when the call succeeds or throws something else. */
export async function homeportFailure(promise: Promise<unknown>): Promise<HomeportError> {
  try {
    await promise
  } catch (err) {
    if (err instanceof HomeportError) return err
    throw err
  }
  throw new Error('expected the call to fail with a HomeportError')
}
