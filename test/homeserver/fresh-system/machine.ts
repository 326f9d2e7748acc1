// Boots a prepared root with systemd-nspawn and reaches into it as root.
// nspawn runs without machined here (--register=no: no system bus), so machinectl, `systemd-run -M` and
// --private-network are out; the machine joins a namespace we made, and root commands enter it with
// nsenter through the machine's init process.

import { spawn } from 'node:child_process'
import { closeSync, openSync, readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { childPids, isAlive, run, sleep, type RunResult } from '../process.js'
import { createCgroups } from './cgroups.js'
import { saveState, type InstanceState } from './instances.js'
import { netnsPath } from './network.js'

// Joins the machine's cgroups (given as a count and a list), then becomes nspawn, so that every process
// of the machine, nspawn included, starts inside them.
const LAUNCHER = 'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1/cgroup.procs" || exit 1; shift; n=$((n - 1)); done; exec "$@"'

function nspawnArgs(state: InstanceState): string[] {
  return [
    '-D', state.rootDir,
    '--boot',
    '--register=no',
    '--keep-unit',
    '--capability=all',
    // Docker's runc and dockerd need these, which nspawn's default seccomp filter refuses.
    '--system-call-filter=add_key keyctl bpf',
    `--network-namespace-path=${netnsPath(state.name)}`,
    `--machine=${state.name}`,
    // The root was prepared with its own resolv.conf, timezone and no link to the host's journal.
    '--resolv-conf=off',
    '--timezone=off',
    '--link-journal=no',
    '--console=read-only',
  ]
}

/** The last lines of the machine's console, without colour codes, for error messages. */
export async function consoleTail(state: InstanceState, lines = 25): Promise<string> {
  const text = await readFile(state.consoleLog, 'utf8').catch(() => '')
  // eslint-disable-next-line no-control-regex
  const plain = text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').replace(/\r/g, '')
  return plain.trimEnd().split('\n').slice(-lines).join('\n')
}

/** The machine's init: the descendant of nspawn that is pid 1 of its own pid namespace. */
function findInit(nspawnPid: number): number | undefined {
  const queue = [nspawnPid]
  while (queue.length > 0) {
    const pid = queue.shift()!
    for (const child of childPids(pid)) {
      try {
        const nspid = /^NSpid:\s+(.*)$/m.exec(readFileSync(`/proc/${child}/status`, 'utf8'))?.[1]?.trim().split(/\s+/) ?? []
        if (nspid.length > 1 && nspid[nspid.length - 1] === '1') return child
      } catch {
        // gone while we looked
      }
      queue.push(child)
    }
  }
  return undefined
}

/** The first line sshd sends ("SSH-2.0-…"), or undefined if nothing answers within `timeoutMs`. */
export function sshBanner(host: string, port: number, timeoutMs = 2_000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    let received = ''
    const done = (banner: string | undefined): void => {
      clearTimeout(timer)
      socket.destroy()
      resolve(banner)
    }
    const timer = setTimeout(() => done(undefined), timeoutMs)
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1')
      const line = received.split('\r\n').find((candidate) => candidate.startsWith('SSH-'))
      if (line) done(line)
    })
    socket.on('error', () => done(undefined))
    socket.on('close', () => done(undefined))
  })
}

/**
 * nspawn mounts the v1 cgroup controllers read-only. On a real box they are writable, and the Docker the
 * wizard installs needs them to run a container (runc: "mkdir /sys/fs/cgroup/cpuset/docker: read-only").
 * The machine's cgroup namespace keeps whatever it creates below its own cgroup (see cgroups.ts).
 */
async function makeCgroupsWritable(initPid: number): Promise<void> {
  const mountinfo = await readFile(`/proc/${initPid}/mountinfo`, 'utf8')
  for (const line of mountinfo.split('\n')) {
    const [before, after] = line.split(' - ')
    const fields = before?.split(' ') ?? []
    const fstype = after?.split(' ')[0]
    const target = fields[4]
    if (!target || (fstype !== 'cgroup' && fstype !== 'cgroup2')) continue
    if (!(fields[5] ?? '').split(',').includes('ro')) continue
    await run('nsenter', ['-t', String(initPid), '-m', '--', 'mount', '-o', 'remount,bind,rw,nosuid,nodev,noexec,relatime', target])
  }
}

export interface Booted {
  nspawnPid: number
  initPid: number
  /** Time from spawning nspawn to sshd's banner. */
  bootMs: number
}

/** Starts the machine and waits until its sshd answers on `guestAddress:22`. */
export async function bootMachine(state: InstanceState, guestAddress: string, timeoutMs = 120_000): Promise<Booted> {
  await createCgroups(state.cgroups)
  const startedAt = Date.now()
  const consoleFd = openSync(state.consoleLog, 'a')
  let nspawnPid: number | undefined
  try {
    // Detached, as the test home server's daemons: a Ctrl-C or Vitest's worker teardown must not kill it
    // half-way through our own clean shutdown. A run that dies leaves it to the next run's clean-up.
    const child = spawn('sh', ['-c', LAUNCHER, 'sh', String(state.cgroups.length), ...state.cgroups, 'systemd-nspawn', ...nspawnArgs(state)], {
      detached: true,
      stdio: ['ignore', consoleFd, consoleFd],
      // nspawn leaves /proc/sys/net read-only unless it made the network itself (--private-network). The
      // namespace is the machine's own, and its Docker must write there (ip_forward) as on a real box.
      env: { ...process.env, SYSTEMD_NSPAWN_API_VFS_WRITABLE: 'network' },
    })
    child.unref()
    nspawnPid = child.pid
  } finally {
    closeSync(consoleFd)
  }
  if (nspawnPid === undefined) throw new Error('could not start systemd-nspawn')
  state.nspawnPid = nspawnPid
  await saveState(state)

  const fail = async (why: string): Promise<never> => {
    throw new Error(`fresh machine ${state.name} ${why}; last console lines (${state.consoleLog}):\n${await consoleTail(state)}`)
  }
  const deadline = startedAt + timeoutMs
  let initPid: number | undefined
  for (;;) {
    if (!isAlive(nspawnPid)) return fail('stopped while booting')
    initPid ??= findInit(nspawnPid)
    if (initPid !== undefined && (await sshBanner(guestAddress, 22, 2_000))) break
    if (Date.now() > deadline) return fail(`did not answer on ${guestAddress}:22 within ${Math.round(timeoutMs / 1000)} s`)
    await sleep(200)
  }
  const bootMs = Date.now() - startedAt
  await makeCgroupsWritable(initPid)
  return { nspawnPid, initPid, bootMs }
}

export interface RootExecOptions {
  input?: string | Buffer
  /** Killed inside the machine after this long (default 10 minutes); the result then has code 124 or 137. */
  timeoutMs?: number
  env?: Record<string, string>
}

/**
 * Runs `command` (an argument vector, no shell) inside the machine as root, in all its namespaces, with a
 * clean environment as a root login would have. nsenter forks into the pid namespace, so killing nsenter
 * would not stop the command: coreutils' `timeout` inside the machine bounds it instead.
 */
export function rootExec(initPid: number, command: readonly string[], options: RootExecOptions = {}): Promise<RunResult> {
  if (command.length === 0) throw new Error('rootExec needs a command')
  if (!isAlive(initPid)) return Promise.reject(new Error('the fresh machine is not running'))
  const env = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: '/root',
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    DEBIAN_FRONTEND: 'noninteractive',
    ...options.env,
  }
  const seconds = String(Math.ceil((options.timeoutMs ?? 600_000) / 1000))
  const args = ['-t', String(initPid), '-a', '-r', '-w', '--', 'env', '-i', ...Object.entries(env).map(([key, value]) => `${key}=${value}`)]
  return run('nsenter', [...args, 'timeout', '-k', '5', seconds, ...command], { input: options.input, allowFailure: true })
}
