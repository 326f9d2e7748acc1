import { mkdtemp } from 'node:fs/promises'
import { NO_DOCKER_USER, RUN_DIR_PREFIX, TEST_USER } from './paths.js'
import { run, teardownSteps, which } from './process.js'
import { startRunParts, stopRunParts } from './run-parts.js'
import { acquireShared, releaseShared } from './shared.js'
import type { HomeServerInfo } from './types.js'

/** Binaries the home server runs, and the Debian package that provides each. */
const REQUIRED_BINARIES: Record<string, string> = {
  dockerd: 'docker.io',
  docker: 'docker.io',
  sshd: 'openssh-server',
  ssh: 'openssh-client',
  'ssh-keygen': 'openssh-client',
  'ssh-agent': 'openssh-client',
  'ssh-add': 'openssh-client',
  'docker-registry': 'docker-registry',
  'dbus-daemon': 'dbus',
  'dbus-send': 'dbus',
  'gnome-keyring-daemon': 'gnome-keyring',
  ip: 'iproute2',
  iptables: 'iptables',
  flock: 'util-linux',
  tar: 'tar',
  useradd: 'passwd',
  chpasswd: 'passwd',
}

export function unavailableInfo(reason: string): HomeServerInfo {
  return {
    available: false,
    reason,
    host: '127.0.0.1',
    sshPort: 0,
    jumpPort: 0,
    noStreamLocalPort: 0,
    user: TEST_USER,
    password: '',
    noDockerUser: NO_DOCKER_USER,
    noDockerPassword: '',
    keys: { ed25519: '', ecdsa: '', rsa: '', encrypted: '', encryptedPassphrase: '' },
    hostKeyFingerprint: '',
    sshdConfigPath: '',
    sshdPidFile: '',
    sshdLog: '',
    dockerSocket: '',
    dockerHost: '',
    registry: '',
    images: [],
    workDir: '',
    alternateHostKeyFingerprint: '',
    alternateSshdConfigPath: '',
    dbusSessionBusAddress: '',
  }
}

async function missingPackages(): Promise<string[]> {
  const packages = new Set<string>()
  for (const [binary, pkg] of Object.entries(REQUIRED_BINARIES)) {
    if (!(await which(binary)) && !(binary === 'sshd' && (await which('/usr/sbin/sshd')))) packages.add(pkg)
  }
  // Images are built from a statically linked busybox: a dynamic one would find no libc inside them.
  const ldd = await run('ldd', ['/bin/busybox'], { allowFailure: true })
  if (!/not a dynamic executable|statically linked/.test(ldd.stdout + ldd.stderr)) packages.add('busybox-static')
  return [...packages]
}

/**
 * Why the home server cannot run here, or undefined when it can. Missing Debian packages are installed
 * with apt-get when it is present (a package index is fetched only if the first install fails).
 */
export async function homeServerUnsupportedReason(log: (line: string) => void = () => {}): Promise<string | undefined> {
  if (process.platform !== 'linux') return `the test home server needs Linux (this is ${process.platform})`
  if (process.getuid?.() !== 0) return 'the test home server needs root (it starts dockerd and sshd and adds users)'
  let missing = await missingPackages()
  if (missing.length === 0) return undefined
  if (!(await which('apt-get'))) return `missing packages ${missing.join(', ')} and no apt-get to install them`
  log(`installing ${missing.join(' ')} with apt-get`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  const install = ['install', '-y', '--no-install-recommends', ...missing]
  if ((await run('apt-get', install, { env, allowFailure: true })).code !== 0) {
    await run('apt-get', ['update'], { env, allowFailure: true })
    const retry = await run('apt-get', install, { env, allowFailure: true })
    if (retry.code !== 0) return `apt-get could not install ${missing.join(', ')}: ${retry.stderr.trim().split('\n').pop()}`
  }
  missing = await missingPackages()
  return missing.length === 0 ? undefined : `still missing after apt-get: ${missing.join(', ')}`
}

export interface StartedHomeServer {
  info: HomeServerInfo
  stop: () => Promise<void>
}

/**
 * Brings the home server up for one run. `holderPid` keeps the shared parts alive while that process
 * lives; pass null for a hand-started server that stays up until `stopHomeServer(workDir)`.
 */
export async function startHomeServer(holderPid: number | null): Promise<StartedHomeServer> {
  const workDir = await mkdtemp(RUN_DIR_PREFIX)
  let sharedAcquired = false
  try {
    const shared = await acquireShared({ workDir, pid: holderPid }, stopRunParts)
    sharedAcquired = true
    const parts = await startRunParts(workDir)
    const info: HomeServerInfo = {
      available: true,
      host: '127.0.0.1',
      sshPort: parts.sshPort,
      jumpPort: parts.jumpPort,
      noStreamLocalPort: parts.noStreamLocalPort,
      user: TEST_USER,
      password: shared.password,
      noDockerUser: NO_DOCKER_USER,
      noDockerPassword: shared.noDockerPassword,
      keys: shared.keys,
      hostKeyFingerprint: parts.hostKeyFingerprint,
      sshdConfigPath: parts.main.configPath,
      sshdPidFile: parts.main.pidFile,
      sshdLog: parts.main.logPath,
      dockerSocket: shared.engine.socket,
      dockerHost: shared.engine.dockerHost,
      registry: shared.registry.address,
      images: shared.registry.images,
      workDir,
      alternateHostKeyFingerprint: parts.alternateHostKeyFingerprint,
      alternateSshdConfigPath: parts.alternateConfigPath,
      dbusSessionBusAddress: parts.keychain.dbusAddress,
    }
    return { info, stop: () => stopHomeServer(workDir) }
  } catch (error) {
    await stopRunParts(workDir).catch(() => {})
    if (sharedAcquired) await releaseShared(workDir).catch(() => {})
    throw error
  }
}

/** Stops one run's parts, then lets go of the shared parts (torn down if no other run holds them). */
export async function stopHomeServer(workDir: string): Promise<void> {
  const { attempt, finish } = teardownSteps('stopping the test home server')
  await attempt(() => stopRunParts(workDir))
  await attempt(() => releaseShared(workDir))
  finish()
}
