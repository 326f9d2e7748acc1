// Which distribution a server runs, from /etc/os-release, and how Docker Engine is installed and started
// there from the distribution's own packages (no third-party repositories, no curl | sh).

import { HomeportError } from '../../../shared/errors.js'

export type OsFamily = 'debian' | 'ubuntu' | 'raspbian' | 'fedora' | 'arch' | 'alpine'

export interface OsInfo {
  family: OsFamily
  id: string
  versionId: string
  prettyName: string
}

const SUPPORTED: Record<string, OsFamily> = { debian: 'debian', ubuntu: 'ubuntu', raspbian: 'raspbian', fedora: 'fedora', arch: 'arch', archarm: 'arch', alpine: 'alpine' }

export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim())
    if (m) out[m[1]] = m[2].replace(/^(["'])(.*)\1$/, '$2')
  }
  return out
}

/** Raspberry Pi OS calls itself debian (64-bit) or raspbian (32-bit); both install like Debian. */
export function detectOs(osRelease: string): OsInfo {
  const fields = parseOsRelease(osRelease)
  const id = (fields.ID ?? '').toLowerCase()
  const family = SUPPORTED[id]
  const prettyName = fields.PRETTY_NAME ?? (id || 'an unknown system')
  if (!family) {
    throw new HomeportError('UNSUPPORTED_OS', `This server runs ${prettyName} (ID=${id || 'none'}), which Homeport cannot set up.`, {
      hint: 'Set-up supports Debian, Ubuntu, Raspberry Pi OS, Fedora, Arch and Alpine. Install Docker yourself, add your user to the docker group, then add the server again.',
    })
  }
  return { family, id, versionId: fields.VERSION_ID ?? '', prettyName }
}

/** The package commands, as argv run through sudo, in order. */
export function dockerInstallCommands(family: OsFamily): string[][] {
  switch (family) {
    case 'debian':
    case 'ubuntu':
    case 'raspbian':
      return [
        ['apt-get', '-o', 'DPkg::Lock::Timeout=300', 'update'],
        ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', '-o', 'DPkg::Lock::Timeout=300', 'install', '-y', '--no-install-recommends', 'docker.io'],
      ]
    case 'fedora':
      return [['dnf', 'install', '-y', 'moby-engine']]
    case 'arch':
      return [['pacman', '-Sy', '--noconfirm', '--needed', 'docker']]
    case 'alpine':
      return [['apk', 'add', 'docker']]
  }
}

export function dockerServiceCommands(init: string): string[][] | undefined {
  if (init === 'systemd') return [['systemctl', 'enable', '--now', 'docker']]
  if (init === 'openrc') return [['rc-update', 'add', 'docker', 'default'], ['rc-service', 'docker', 'start']]
  return undefined
}

export function addToGroupCommand(family: OsFamily, user: string, group: string): string[] {
  return family === 'alpine' ? ['addgroup', user, group] : ['usermod', '-aG', group, user]
}
