import { closeSync, mkdirSync, openSync } from 'node:fs'
import { readFile, rm } from 'node:fs/promises'
import {
  ADDRESS_POOL,
  BRIDGE_CIDR,
  BRIDGE_NAME,
  DEFAULT_DOCKER_SOCKET,
  ENGINE_DATA_ROOT,
  ENGINE_EXEC_ROOT,
  ENGINE_LOG,
  ENGINE_PID_FILE,
} from './paths.js'
import { isAlive, readPidFile, run, spawnDaemon, stopPid, waitUntil } from './process.js'

export interface EngineState {
  socket: string
  dockerHost: string
  /** Set only when this module started dockerd; a reused engine is never stopped. */
  pid?: number
  bridge?: string
}

export function dockerHostOf(socket: string): string {
  return `unix://${socket}`
}

/** The docker CLI against one engine; throws with docker's stderr on failure. */
export async function dockerCli(dockerHost: string, args: readonly string[], input?: string): Promise<string> {
  const result = await run('docker', args, { env: { ...process.env, DOCKER_HOST: dockerHost }, input })
  return result.stdout
}

export async function engineAnswers(dockerHost: string): Promise<boolean> {
  const result = await run('docker', ['version', '--format', '{{.Server.Version}}'], {
    env: { ...process.env, DOCKER_HOST: dockerHost },
    allowFailure: true,
  })
  return result.code === 0
}

function socketFromEnv(): string | undefined {
  const value = process.env.HOMEPORT_TEST_DOCKER_HOST
  if (!value) return undefined
  return value.startsWith('unix://') ? value.slice('unix://'.length) : value
}

/**
 * Reuses an engine that already answers on HOMEPORT_TEST_DOCKER_HOST, otherwise starts dockerd on its own
 * socket, data root, exec root and bridge so it never touches a system engine's docker0 or state.
 */
export async function startEngine(): Promise<EngineState> {
  const socket = socketFromEnv() ?? DEFAULT_DOCKER_SOCKET
  const dockerHost = dockerHostOf(socket)
  if (await engineAnswers(dockerHost)) return { socket, dockerHost }

  await stopStaleEngine()
  await run('groupadd', ['-f', 'docker'])
  await recreateBridge()
  mkdirSync(ENGINE_DATA_ROOT, { recursive: true })
  mkdirSync(ENGINE_EXEC_ROOT, { recursive: true })
  const logFd = openSync(ENGINE_LOG, 'a')
  let pid: number
  try {
    pid = spawnDaemon(
      'dockerd',
      [
        '--host', dockerHost,
        '--data-root', ENGINE_DATA_ROOT,
        '--exec-root', ENGINE_EXEC_ROOT,
        '--pidfile', ENGINE_PID_FILE,
        '--group', 'docker',
        '--bridge', BRIDGE_NAME,
        '--default-address-pool', ADDRESS_POOL,
        '--shutdown-timeout', '2',
      ],
      { logFd },
    )
  } finally {
    closeSync(logFd)
  }
  const state: EngineState = { socket, dockerHost, pid, bridge: BRIDGE_NAME }
  const ready = await waitUntil(async () => !isAlive(pid) || (await engineAnswers(dockerHost)), 60_000, 100)
  if (!ready || !isAlive(pid)) {
    const log = await readFile(ENGINE_LOG, 'utf8').catch(() => '')
    await stopEngine(state)
    throw new Error(`dockerd did not answer on ${socket}; last log lines:\n${log.split('\n').slice(-15).join('\n')}`)
  }
  return state
}

export async function stopEngine(state: EngineState): Promise<void> {
  if (state.pid === undefined) return
  if (isAlive(state.pid)) {
    // Remove containers first: dockerd would otherwise wait out each container's stop timeout.
    const ids = await run('docker', ['ps', '-aq'], { env: { ...process.env, DOCKER_HOST: state.dockerHost }, allowFailure: true })
    const list = ids.stdout.split('\n').filter(Boolean)
    if (list.length > 0) {
      await run('docker', ['rm', '-f', '-v', ...list], { env: { ...process.env, DOCKER_HOST: state.dockerHost }, allowFailure: true })
    }
  }
  await stopPid(state.pid, 15_000)
  await cleanUpEngineLeftovers()
}

/** A dockerd from a crashed run still holding our pidfile: stop it and clear what it left. */
async function stopStaleEngine(): Promise<void> {
  const pid = await readPidFile(ENGINE_PID_FILE)
  if (pid !== undefined && isAlive(pid)) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')
    if (cmdline.includes(ENGINE_DATA_ROOT)) await stopPid(pid, 15_000)
  }
  await cleanUpEngineLeftovers()
}

async function cleanUpEngineLeftovers(): Promise<void> {
  await unmountUnder([ENGINE_DATA_ROOT, ENGINE_EXEC_ROOT])
  await removeBridge()
  await rm(ENGINE_PID_FILE, { force: true })
  await rm(ENGINE_DATA_ROOT, { recursive: true, force: true })
  await rm(ENGINE_EXEC_ROOT, { recursive: true, force: true })
}

export async function unmountUnder(roots: string[]): Promise<void> {
  const mounts = await readFile('/proc/self/mounts', 'utf8').catch(() => '')
  const targets = mounts
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .filter((target) => roots.some((root) => target === root || target.startsWith(`${root}/`)))
    .sort((a, b) => b.length - a.length)
  for (const target of targets) await run('umount', ['-l', target], { allowFailure: true })
}

async function recreateBridge(): Promise<void> {
  await removeBridge()
  await run('ip', ['link', 'add', BRIDGE_NAME, 'type', 'bridge'])
  await run('ip', ['addr', 'add', BRIDGE_CIDR, 'dev', BRIDGE_NAME])
  await run('ip', ['link', 'set', BRIDGE_NAME, 'up'])
}

async function removeBridge(): Promise<void> {
  const exists = await run('ip', ['link', 'show', BRIDGE_NAME], { allowFailure: true })
  if (exists.code === 0) await run('ip', ['link', 'delete', BRIDGE_NAME], { allowFailure: true })
  await removeIptablesRulesFor(BRIDGE_NAME)
}

/** dockerd leaves its FORWARD/NAT rules for the bridge behind when it stops; delete exactly those. */
async function removeIptablesRulesFor(bridge: string): Promise<void> {
  for (const table of ['filter', 'nat']) {
    const listed = await run('iptables', ['-t', table, '-S'], { allowFailure: true })
    if (listed.code !== 0) continue
    const rules = listed.stdout.split('\n').filter((line) => line.startsWith('-A ') && line.split(' ').includes(bridge))
    for (const rule of rules) {
      await run('iptables', ['-t', table, '-D', ...rule.slice(3).split(' ')], { allowFailure: true })
    }
  }
}
