import { describe, expect, it } from 'vitest'
import { addToGroupCommand, detectOs, dockerInstallCommands, dockerServiceCommands, parseOsRelease } from './os-family.js'

const release = (fields: Record<string, string>) => Object.entries(fields).map(([k, v]) => `${k}="${v}"`).join('\n')

describe('detectOs', () => {
  it.each([
    ['debian', '12', 'Debian GNU/Linux 12 (bookworm)', 'debian'],
    ['ubuntu', '24.04', 'Ubuntu 24.04 LTS', 'ubuntu'],
    ['raspbian', '12', 'Raspbian GNU/Linux 12 (bookworm)', 'raspbian'],
    ['fedora', '41', 'Fedora Linux 41', 'fedora'],
    ['arch', '', 'Arch Linux', 'arch'],
    ['alpine', '3.20.3', 'Alpine Linux v3.20', 'alpine'],
  ])('knows %s', (id, versionId, prettyName, family) => {
    expect(detectOs(release({ ID: id, VERSION_ID: versionId, PRETTY_NAME: prettyName }))).toEqual({ family, id, versionId, prettyName })
  })

  it('refuses anything else with UNSUPPORTED_OS naming what it found', () => {
    expect(() => detectOs(release({ ID: 'opensuse-tumbleweed', PRETTY_NAME: 'openSUSE Tumbleweed' }))).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_OS', message: expect.stringContaining('openSUSE Tumbleweed (ID=opensuse-tumbleweed)') }))
    expect(() => detectOs('')).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_OS', message: expect.stringContaining('ID=none') }))
  })

  it('reads quoted, single-quoted and bare values and ignores comments', () => {
    expect(parseOsRelease("# c\nID=debian\nNAME='Debian'\nPRETTY_NAME=\"Debian 12\"\n")).toEqual({ ID: 'debian', NAME: 'Debian', PRETTY_NAME: 'Debian 12' })
  })
})

describe('package and service commands', () => {
  it('installs Docker from each distribution\'s own packages', () => {
    expect(dockerInstallCommands('debian').at(-1)).toEqual(['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', '-o', 'DPkg::Lock::Timeout=300', 'install', '-y', '--no-install-recommends', 'docker.io'])
    expect(dockerInstallCommands('fedora')).toEqual([['dnf', 'install', '-y', 'moby-engine']])
    expect(dockerInstallCommands('arch')).toEqual([['pacman', '-Sy', '--noconfirm', '--needed', 'docker']])
    expect(dockerInstallCommands('alpine')).toEqual([['apk', 'add', 'docker']])
  })

  it('starts it under systemd or OpenRC, and says nothing for another init', () => {
    expect(dockerServiceCommands('systemd')).toEqual([['systemctl', 'enable', '--now', 'docker']])
    expect(dockerServiceCommands('openrc')).toEqual([['rc-update', 'add', 'docker', 'default'], ['rc-service', 'docker', 'start']])
    expect(dockerServiceCommands('other')).toBeUndefined()
  })

  it('adds the user to the group the Alpine way or the usermod way', () => {
    expect(addToGroupCommand('alpine', 'ann', 'docker')).toEqual(['addgroup', 'ann', 'docker'])
    expect(addToGroupCommand('debian', 'ann', 'docker')).toEqual(['usermod', '-aG', 'docker', 'ann'])
  })
})
