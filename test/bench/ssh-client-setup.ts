// OpenSSH client side of the benchmark: a private ssh config and known_hosts (OpenSSH reads ~/.ssh from the
// passwd entry, not $HOME, so an `ssh` wrapper first in PATH passes `-F`), used by `ssh host true` and by
// the docker CLI's `-H ssh://…`. Both run `docker system dial-stdio` in the remote user's non-login shell,
// which reads ~/.bashrc but not ~/.profile where the test server sets DOCKER_HOST; for the length of the
// run a marked line at the top of ~/.bashrc exports it there too, as anyone using `docker -H ssh://` must.

import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { run } from '../homeserver/process.js'
import type { HomeServerInfo } from '../homeserver/types.js'

const BASHRC_MARK = '# homeport-bench'

export interface SshClient {
  sshTrue(): Promise<void>
  dockerPs(): Promise<void>
  /** `ssh HOST docker ps -a`: the docker CLI run on the server, over a fresh OpenSSH connection. */
  sshDockerPs(): Promise<void>
  /** `ssh HOST COMMAND…` over a fresh connection; the command is run by the remote user's shell. */
  ssh(command: string[]): Promise<void>
  /** `scp FILES… HOST:DIR` over a fresh connection. */
  scp(files: string[], remoteDir: string): Promise<void>
  /** The environment the OpenSSH client and `docker -H ssh://…` run with (the private config's `ssh` first in PATH). */
  env: NodeJS.ProcessEnv
  dispose(): Promise<void>
}

async function homeOf(user: string): Promise<string> {
  const entry = (await run('getent', ['passwd', user])).stdout
  return entry.split(':')[5] ?? `/home/${user}`
}

export async function prepareSshClient(info: HomeServerInfo): Promise<SshClient> {
  const dir = mkdtempSync(join(tmpdir(), 'homeport-bench-ssh-'))
  const knownHosts = join(dir, 'known_hosts')
  const config = join(dir, 'ssh_config')
  const binDir = join(dir, 'bin')

  const scan = await run('ssh-keyscan', ['-p', String(info.sshPort), '-t', 'ed25519', info.host])
  writeFileSync(knownHosts, scan.stdout)
  const listed = (await run('ssh-keygen', ['-l', '-f', knownHosts])).stdout
  if (!listed.includes(info.hostKeyFingerprint)) {
    throw new Error(`ssh-keyscan saw another host key than the test server's ${info.hostKeyFingerprint}:\n${listed}`)
  }
  writeFileSync(
    config,
    [
      `Host ${info.host}`,
      `  Port ${info.sshPort}`,
      `  User ${info.user}`,
      `  IdentityFile ${info.keys.ed25519}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${knownHosts}`,
      '  StrictHostKeyChecking yes',
      '  BatchMode yes',
      '  ControlMaster no',
      '  ControlPath none',
      '',
    ].join('\n'),
  )
  await run('mkdir', ['-p', binDir])
  const wrapper = join(binDir, 'ssh')
  writeFileSync(wrapper, `#!/bin/sh\nexec /usr/bin/ssh -F '${config}' "$@"\n`)
  chmodSync(wrapper, 0o755)
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`, HOME: dir, DOCKER_CONFIG: join(dir, 'docker') }
  delete env.DOCKER_HOST

  const bashrc = join(await homeOf(info.user), '.bashrc')
  const original = readFileSync(bashrc, 'utf8')
  const kept = original.split('\n').filter((line) => !line.endsWith(BASHRC_MARK))
  writeFileSync(bashrc, [`export DOCKER_HOST=unix://${info.dockerSocket} ${BASHRC_MARK}`, ...kept].join('\n'))

  const dockerHost = `ssh://${info.user}@${info.host}:${info.sshPort}`
  return {
    env,
    async sshTrue() {
      await run('ssh', [info.host, 'true'], { env })
    },
    async dockerPs() {
      await run('docker', ['-H', dockerHost, 'ps', '-a'], { env })
    },
    async sshDockerPs() {
      await run('ssh', [info.host, 'docker', 'ps', '-a'], { env })
    },
    async ssh(command) {
      await run('ssh', [info.host, ...command], { env })
    },
    async scp(files, remoteDir) {
      await run('scp', ['-q', '-F', config, ...files, `${info.host}:${remoteDir}/`], { env })
    },
    async dispose() {
      const now = readFileSync(bashrc, 'utf8')
      writeFileSync(bashrc, now.split('\n').filter((line) => !line.endsWith(BASHRC_MARK)).join('\n'))
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
