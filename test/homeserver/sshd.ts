import { existsSync, mkdirSync } from 'node:fs'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { join } from 'node:path'
import { childPids, isAlive, readPidFile, run, stopPid, waitUntil } from './process.js'

export interface HostKeys {
  ed25519: string
  ecdsa: string
  rsa: string
}

export interface SshdSpec {
  /** Names the config, pidfile and log inside `dir`. */
  name: string
  dir: string
  port: number
  hostKeys: string[]
  allowUsers: string[]
  allowStreamLocalForwarding: boolean
}

export interface SshdFiles {
  configPath: string
  pidFile: string
  logPath: string
}

export function sshdFiles(spec: Pick<SshdSpec, 'name' | 'dir'>): SshdFiles {
  return {
    configPath: join(spec.dir, `${spec.name}.conf`),
    pidFile: join(spec.dir, `${spec.name}.pid`),
    logPath: join(spec.dir, `${spec.name}.log`),
  }
}

export async function generateHostKeys(dir: string, prefix: string): Promise<HostKeys> {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const keys: HostKeys = {
    ed25519: join(dir, `${prefix}_ed25519_key`),
    ecdsa: join(dir, `${prefix}_ecdsa_key`),
    rsa: join(dir, `${prefix}_rsa_key`),
  }
  await Promise.all([
    run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keys.ed25519]),
    run('ssh-keygen', ['-q', '-t', 'ecdsa', '-b', '256', '-N', '', '-f', keys.ecdsa]),
    run('ssh-keygen', ['-q', '-t', 'rsa', '-b', '3072', '-N', '', '-f', keys.rsa]),
  ])
  return keys
}

/** `SHA256:…` exactly as `ssh-keygen -l` prints it. */
export async function fingerprintOf(publicKeyFile: string): Promise<string> {
  const output = (await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', publicKeyFile])).stdout
  const fingerprint = output.split(' ')[1]
  if (!fingerprint?.startsWith('SHA256:')) throw new Error(`unexpected ssh-keygen output for ${publicKeyFile}: ${output}`)
  return fingerprint
}

export function sftpServerPath(): string {
  for (const candidate of ['/usr/lib/openssh/sftp-server', '/usr/libexec/openssh/sftp-server', '/usr/libexec/sftp-server']) {
    if (existsSync(candidate)) return candidate
  }
  return 'internal-sftp'
}

export function sshdConfig(spec: SshdSpec, files: SshdFiles): string {
  return [
    `Port ${spec.port}`,
    'ListenAddress 127.0.0.1',
    ...spec.hostKeys.map((key) => `HostKey ${key}`),
    `PidFile ${files.pidFile}`,
    'AuthorizedKeysFile .ssh/authorized_keys',
    'PubkeyAuthentication yes',
    'PasswordAuthentication yes',
    'KbdInteractiveAuthentication yes',
    // PAM is what serves keyboard-interactive on Linux; without it only password would work.
    'UsePAM yes',
    'PermitRootLogin no',
    `AllowUsers ${spec.allowUsers.join(' ')}`,
    // VERBOSE logs every authentication attempt, so a test can prove none happened.
    'LogLevel VERBOSE',
    `AllowStreamLocalForwarding ${spec.allowStreamLocalForwarding ? 'yes' : 'no'}`,
    'AllowTcpForwarding yes',
    'AllowAgentForwarding yes',
    'X11Forwarding no',
    'MaxStartups 200:30:400',
    'MaxAuthTries 10',
    'StrictModes yes',
    'UseDNS no',
    'PrintMotd no',
    'PrintLastLog no',
    'ClientAliveInterval 0',
    `Subsystem sftp ${sftpServerPath()}`,
    '',
  ].join('\n')
}

function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/** Writes the config, validates it with `sshd -t`, starts sshd (it daemonizes) and waits for its port. */
export async function startSshd(spec: SshdSpec): Promise<SshdFiles & { pid: number }> {
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 })
  const files = sshdFiles(spec)
  await writeFile(files.configPath, sshdConfig(spec, files), { mode: 0o600 })
  return startSshdWithConfig(files, spec.port)
}

export async function startSshdWithConfig(files: SshdFiles, port: number): Promise<SshdFiles & { pid: number }> {
  await stopSshd(files.pidFile)
  await run('/usr/sbin/sshd', ['-t', '-f', files.configPath])
  await run('/usr/sbin/sshd', ['-f', files.configPath, '-E', files.logPath])
  let pid: number | undefined
  const ready = await waitUntil(async () => {
    pid = await readPidFile(files.pidFile)
    return pid !== undefined && isAlive(pid) && (await portAccepts(port))
  }, 15_000)
  if (!ready || pid === undefined) {
    const log = await readFile(files.logPath, 'utf8').catch(() => '')
    throw new Error(`sshd (${files.configPath}) did not listen on 127.0.0.1:${port}: ${log.slice(-1500)}`)
  }
  return { ...files, pid }
}

/** Stops the listener named by the pidfile and the per-connection processes it forked. */
export async function stopSshd(pidFile: string): Promise<void> {
  const pid = await readPidFile(pidFile)
  if (pid !== undefined && isAlive(pid)) {
    const connections = childPids(pid)
    await stopPid(pid)
    await Promise.all(connections.map((child) => stopPid(child)))
  }
  await rm(pidFile, { force: true })
}
