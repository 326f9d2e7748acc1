// A second sshd, as a stock Debian one is set up: it Includes a drop-in folder (`sshd_config.d/*.conf`) and
// is reloaded with SIGHUP. Tests of "another Homeport server" as a backup target run one each (own port,
// folder and host key), so the confinement rules Homeport writes there are read by a real sshd.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fingerprintOf, generateHostKeys, sftpServerPath, startSshdWithConfig, stopSshd } from './sshd.js'
import { freePort, isAlive } from './process.js'

export interface DropinSshd {
  port: number
  hostKeyFingerprint: string
  /** The folder the config Includes (`*.conf`). */
  dropins: string
  /** Without the Include line (a config Homeport cannot add rules to), or with it again, plus `extra` lines; reloads sshd. */
  setConfig(include: boolean, extra?: string[]): Promise<void>
  stop(): Promise<void>
}

export async function startDropinSshd(tag: string): Promise<DropinSshd> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `hp-dropin-sshd-${tag}-`))
  fs.chmodSync(dir, 0o755)
  const dropins = path.join(dir, 'sshd_config.d')
  fs.mkdirSync(dropins, { mode: 0o755 })
  const keys = await generateHostKeys(path.join(dir, 'keys'), 'host')
  const port = await freePort()
  const files = { configPath: path.join(dir, 'sshd_config'), pidFile: path.join(dir, 'sshd.pid'), logPath: path.join(dir, 'sshd.log') }
  const config = (include: boolean, extra: string[] = []) =>
    [
      ...(include ? [`Include ${dropins}/*.conf`] : []),
      ...extra,
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${keys.ed25519}`,
      `PidFile ${files.pidFile}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication yes',
      'UsePAM yes',
      'PermitRootLogin no',
      'LogLevel VERBOSE',
      'StrictModes yes',
      'UseDNS no',
      'PrintMotd no',
      'MaxStartups 100:30:200',
      `Subsystem sftp ${sftpServerPath()}`,
      '',
    ].join('\n')
  fs.writeFileSync(files.configPath, config(true), { mode: 0o600 })
  const started = await startSshdWithConfig(files, port)
  return {
    port,
    hostKeyFingerprint: await fingerprintOf(`${keys.ed25519}.pub`),
    dropins,
    async setConfig(include, extra) {
      fs.writeFileSync(files.configPath, config(include, extra), { mode: 0o600 })
      process.kill(started.pid, 'SIGHUP')
    },
    async stop() {
      if (isAlive(started.pid)) await stopSshd(files.pidFile)
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}
