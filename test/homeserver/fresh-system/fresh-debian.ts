// A real, fresh Debian 12 machine booted on this host for provisioning tests: reachable over SSH with only
// an address, a user and a password, in a network namespace of its own that reaches Debian's mirror.
// See README.md in this folder.

import { createHash, randomBytes } from 'node:crypto'
import { run, which, type RunResult } from '../process.js'
import { hostMirrors } from './apt-sources.js'
import { customizeMachine, hostKeyOf } from './customize.js'
import { copyImage, ensureImage } from './image.js'
import { allocateInstance, destroyInstance } from './instances.js'
import { bootMachine, consoleTail, rootExec, type RootExecOptions } from './machine.js'
import { setUpNetwork } from './network.js'
import { subnetOf } from './paths.js'

export interface FreshDebianTimings {
  /** Whether this start ran debootstrap (the cache was missing or incomplete). */
  imageBuilt: boolean
  /** debootstrap when built, else checking the cache. */
  imageMs: number
  /** Copying the cached image and preparing the copy (user, sshd, host keys, apt sources). */
  copyMs: number
  /** From starting nspawn to sshd's banner on port 22. */
  bootMs: number
}

export interface FreshDebian {
  /** `hpfresh<slot>`: the namespace, veth, cgroup and nspawn machine name. */
  name: string
  host: string
  port: number
  user: string
  password: string
  hostname: string
  /** `ssh-ed25519 AAAA…`, the key sshd presents (generated for this machine). */
  hostKey: string
  /** Its `SHA256:…` fingerprint, as OpenSSH prints it. */
  hostKeyFingerprint: string
  /** The machine's root on the host (for reading files; write through rootExec). */
  rootDir: string
  consoleLog: string
  timings: FreshDebianTimings
  /** A command (argument vector, no shell) run inside the machine as root. */
  rootExec(command: readonly string[], options?: RootExecOptions): Promise<RunResult>
  consoleTail(lines?: number): Promise<string>
  /** Powers the machine off and removes its namespace, veth, NAT rules, cgroups and files. */
  stop(): Promise<void>
}

export interface FreshDebianOptions {
  user?: string
  password?: string
  hostname?: string
  bootTimeoutMs?: number
  log?: (line: string) => void
}

/** Binaries the harness runs, and the Debian package of each. */
const REQUIRED_BINARIES: Record<string, string> = {
  debootstrap: 'debootstrap',
  'systemd-nspawn': 'systemd-container',
  nsenter: 'util-linux',
  flock: 'util-linux',
  ip: 'iproute2',
  iptables: 'iptables',
  'ssh-keygen': 'openssh-client',
  useradd: 'passwd',
  chpasswd: 'passwd',
  dpkg: 'dpkg',
}

async function missingPackages(): Promise<string[]> {
  const packages = new Set<string>()
  for (const [binary, pkg] of Object.entries(REQUIRED_BINARIES)) if (!(await which(binary))) packages.add(pkg)
  return [...packages]
}

/**
 * Why a fresh machine cannot boot here, or undefined when it can. Missing Debian packages are installed
 * with apt-get (waiting for another run's apt-get to let go of the dpkg lock).
 */
export async function freshDebianUnsupportedReason(log: (line: string) => void = () => {}): Promise<string | undefined> {
  if (process.platform !== 'linux') return `a fresh Debian machine needs Linux (this is ${process.platform})`
  if (process.getuid?.() !== 0) return 'a fresh Debian machine needs root (debootstrap, network namespaces, systemd-nspawn)'
  let missing = await missingPackages()
  if (missing.length === 0) return undefined
  if (!(await which('apt-get'))) return `missing packages ${missing.join(', ')} and no apt-get to install them`
  log(`installing ${missing.join(' ')} with apt-get`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  const install = ['-o', 'DPkg::Lock::Timeout=300', 'install', '-y', '--no-install-recommends', ...missing]
  if ((await run('apt-get', install, { env, allowFailure: true })).code !== 0) {
    await run('apt-get', ['-o', 'DPkg::Lock::Timeout=300', 'update'], { env, allowFailure: true })
    const retry = await run('apt-get', install, { env, allowFailure: true })
    if (retry.code !== 0) return `apt-get could not install ${missing.join(', ')}: ${retry.stderr.trim().split('\n').pop()}`
  }
  missing = await missingPackages()
  return missing.length === 0 ? undefined : `still missing after apt-get: ${missing.join(', ')}`
}

function fingerprintOf(hostKey: string): string {
  const blob = Buffer.from(hostKey.split(' ')[1] ?? '', 'base64')
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`
}

/** Boots a fresh machine owned by this process (a leftover of a dead owner is removed by the next start). */
export async function startFreshDebian(options: FreshDebianOptions = {}): Promise<FreshDebian> {
  const log = options.log ?? (() => {})
  const user = options.user ?? 'hpfresh'
  const password = options.password ?? randomBytes(18).toString('base64url')
  const hostname = options.hostname ?? 'fresh-debian'

  const image = await ensureImage(log)
  const state = await allocateInstance(log)
  const { guestAddress } = subnetOf(state.slot)
  try {
    const copyStartedAt = Date.now()
    await copyImage(image, state.rootDir)
    await customizeMachine(state.rootDir, { hostname, user, password }, await hostMirrors())
    const copyMs = Date.now() - copyStartedAt
    const hostKey = await hostKeyOf(state.rootDir)

    await setUpNetwork(state.name, state.slot)
    const booted = await bootMachine(state, guestAddress, options.bootTimeoutMs)
    let stopped: Promise<void> | undefined
    return {
      name: state.name,
      host: guestAddress,
      port: 22,
      user,
      password,
      hostname,
      hostKey,
      hostKeyFingerprint: fingerprintOf(hostKey),
      rootDir: state.rootDir,
      consoleLog: state.consoleLog,
      timings: { imageBuilt: image.built, imageMs: image.ms, copyMs, bootMs: booted.bootMs },
      rootExec: (command, execOptions) => rootExec(booted.initPid, command, execOptions),
      consoleTail: (lines) => consoleTail(state, lines),
      stop: () => (stopped ??= destroyInstance(state)),
    }
  } catch (error) {
    await destroyInstance(state, 5_000).catch((cleanupError: unknown) => log(`cleaning up ${state.name} failed too: ${String(cleanupError)}`))
    throw error
  }
}
