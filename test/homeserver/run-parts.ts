// The parts each run gets for itself: three sshd listeners (main, jump host, no stream-local forwarding),
// their host keys and logs, and a private keychain. They live in the run's work dir, and `run.json` there
// names their pids so another run can stop them if this one dies.

import { mkdirSync } from 'node:fs'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { startKeychain, stopKeychain, verifyKeychain, type KeychainState } from './keychain.js'
import { NO_DOCKER_USER, SUDO_USER_PATTERN, TEST_USER } from './paths.js'
import { freePort } from './process.js'
import { fingerprintOf, generateHostKeys, sshdFiles, startSshd, stopSshd, type SshdFiles } from './sshd.js'
import { randomSecret } from './users.js'

export interface RunParts {
  sshPort: number
  jumpPort: number
  noStreamLocalPort: number
  main: SshdFiles
  jump: SshdFiles
  noStreamLocal: SshdFiles
  /** Config for the main listener with a different ed25519 host key, to simulate a changed server key. */
  alternateConfigPath: string
  hostKeyFingerprint: string
  alternateHostKeyFingerprint: string
  keychain: KeychainState
}

interface RunRecord {
  pidFiles: string[]
  keychain?: KeychainState
}

const SSHD_NAMES = ['sshd', 'sshd-jump', 'sshd-no-stream-local'] as const

function recordPath(workDir: string): string {
  return join(workDir, 'run.json')
}

async function saveRecord(workDir: string, record: RunRecord): Promise<void> {
  await writeFile(recordPath(workDir), JSON.stringify(record), { mode: 0o600 })
}

export async function startRunParts(workDir: string): Promise<RunParts> {
  mkdirSync(workDir, { recursive: true, mode: 0o700 })
  const record: RunRecord = { pidFiles: SSHD_NAMES.map((name) => sshdFiles({ name, dir: workDir }).pidFile) }
  await saveRecord(workDir, record)

  const hostKeyDir = join(workDir, 'host-keys')
  const [hostKeys, alternateKeys, sshPort, jumpPort, noStreamLocalPort] = await Promise.all([
    generateHostKeys(hostKeyDir, 'ssh_host'),
    generateHostKeys(hostKeyDir, 'alternate_host'),
    freePort(),
    freePort(),
    freePort(),
  ])
  const allowUsers = [TEST_USER, NO_DOCKER_USER, SUDO_USER_PATTERN]
  const common = { dir: workDir, hostKeys: [hostKeys.ed25519, hostKeys.ecdsa, hostKeys.rsa], allowUsers }
  const [main, jump, noStreamLocal] = await Promise.all([
    startSshd({ ...common, name: 'sshd', port: sshPort, allowStreamLocalForwarding: true }),
    startSshd({ ...common, name: 'sshd-jump', port: jumpPort, allowStreamLocalForwarding: true }),
    startSshd({ ...common, name: 'sshd-no-stream-local', port: noStreamLocalPort, allowStreamLocalForwarding: false }),
  ])

  // Same listener settings, only the ed25519 host key differs; the same pidfile and log keep helpers simple.
  const alternateConfigPath = join(workDir, 'sshd-alternate.conf')
  const mainConfig = await readFile(main.configPath, 'utf8')
  const alternateConfig = mainConfig
    .split('\n')
    .filter((line) => !line.startsWith('HostKey '))
    .concat(`HostKey ${alternateKeys.ed25519}`)
    .join('\n')
  await writeFile(alternateConfigPath, alternateConfig + '\n', { mode: 0o600 })

  const keychain = await startKeychain(workDir, randomSecret())
  record.keychain = keychain
  await saveRecord(workDir, record)
  await verifyKeychain(keychain.dbusAddress)

  return {
    sshPort,
    jumpPort,
    noStreamLocalPort,
    main,
    jump,
    noStreamLocal,
    alternateConfigPath,
    hostKeyFingerprint: await fingerprintOf(`${hostKeys.ed25519}.pub`),
    alternateHostKeyFingerprint: await fingerprintOf(`${alternateKeys.ed25519}.pub`),
    keychain,
  }
}

/** Stops everything `run.json` names and removes the work dir; safe on a half-started or dead run. */
export async function stopRunParts(workDir: string): Promise<void> {
  let record: RunRecord | undefined
  try {
    record = JSON.parse(await readFile(recordPath(workDir), 'utf8')) as RunRecord
  } catch {
    record = undefined
  }
  if (record) {
    await Promise.all(record.pidFiles.map((pidFile) => stopSshd(pidFile)))
    await stopKeychain(record.keychain)
  }
  await rm(workDir, { recursive: true, force: true })
}
