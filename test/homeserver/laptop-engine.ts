// A second Docker engine on this machine, standing for the Docker of the person's own computer in tests of
// builds made there (`build: local`). Started on demand by the test files that need it, one per file (tag),
// stopped and cleared when that file ends: its own socket, data root, exec root and pidfile, and no bridge
// at all (`--bridge=none`, no iptables), so it never touches the test home server's engine or another file's.
// It pulls from the test registry (127.0.0.0/8 registries are allowed without TLS) and builds with COPY; a
// RUN step in it has no network.

import { closeSync, mkdirSync, openSync } from 'node:fs'
import { readFile, rm } from 'node:fs/promises'
import { dockerCli, dockerHostOf, engineAnswers, unmountUnder } from './engine.js'
import { isAlive, readPidFile, spawnDaemon, stopPid, waitUntil } from './process.js'

export interface LaptopEngine {
  /** `unix://…`, for DOCKER_HOST. */
  dockerHost: string
  /** The docker CLI against this engine. */
  docker(args: readonly string[]): Promise<string>
  stop(): Promise<void>
}

const paths = (tag: string) => {
  const run = `/run/hptl-${tag}`
  const data = `/var/lib/homeport-test-laptop/${tag}`
  return { run, socket: `${run}/docker.sock`, exec: `${run}/exec`, pidfile: `${run}/docker.pid`, data, log: `${data}.log` }
}

async function clear(tag: string): Promise<void> {
  const p = paths(tag)
  const stale = await readPidFile(p.pidfile)
  if (stale !== undefined && isAlive(stale)) await stopPid(stale, 15_000)
  await unmountUnder([p.data, p.exec])
  await rm(p.run, { recursive: true, force: true })
  await rm(p.data, { recursive: true, force: true })
}

/** Starts the engine for the test file named by `tag` (letters, digits, `-`; short: it names a socket path). */
export async function startLaptopEngine(tag: string): Promise<LaptopEngine> {
  const p = paths(tag)
  await clear(tag)
  mkdirSync(p.exec, { recursive: true })
  mkdirSync(p.data, { recursive: true })
  const dockerHost = dockerHostOf(p.socket)
  const logFd = openSync(p.log, 'a')
  let pid: number
  try {
    pid = spawnDaemon('dockerd', ['--host', dockerHost, '--data-root', p.data, '--exec-root', p.exec, '--pidfile', p.pidfile, '--bridge', 'none', '--iptables=false', '--ip-masq=false', '--shutdown-timeout', '2'], { logFd })
  } finally {
    closeSync(logFd)
  }
  const engine: LaptopEngine = {
    dockerHost,
    docker: (args) => dockerCli(dockerHost, args),
    stop: async () => {
      await stopPid(pid, 15_000)
      await clear(tag)
      await rm(p.log, { force: true })
    },
  }
  const ready = await waitUntil(async () => !isAlive(pid) || (await engineAnswers(dockerHost)), 60_000, 100)
  if (!ready || !isAlive(pid)) {
    const log = await readFile(p.log, 'utf8').catch(() => '')
    await engine.stop()
    throw new Error(`the laptop dockerd did not answer on ${p.socket}; last log lines:\n${log.split('\n').slice(-15).join('\n')}`)
  }
  return engine
}
