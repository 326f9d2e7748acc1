import { readFileSync } from 'node:fs'
import path from 'node:path'
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

  // /etc/os-release as each distribution ships it (test/fixtures/os-release/).
  const shipped = (name: string) => readFileSync(path.resolve(import.meta.dirname, '../../../test/fixtures/os-release', name), 'utf8')

  it.each([
    ['debian-12', { family: 'debian', id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' }],
    ['ubuntu-24.04', { family: 'ubuntu', id: 'ubuntu', versionId: '24.04', prettyName: 'Ubuntu 24.04.1 LTS' }],
    // Raspberry Pi OS: the 32-bit image calls itself Raspbian; the 64-bit one ships Debian's file unchanged.
    ['raspios-12-armhf', { family: 'raspbian', id: 'raspbian', versionId: '12', prettyName: 'Raspbian GNU/Linux 12 (bookworm)' }],
    ['raspios-12-arm64', { family: 'debian', id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' }],
    ['fedora-41', { family: 'fedora', id: 'fedora', versionId: '41', prettyName: 'Fedora Linux 41 (Forty One)' }],
    ['arch', { family: 'arch', id: 'arch', versionId: '', prettyName: 'Arch Linux' }],
    ['archarm', { family: 'arch', id: 'archarm', versionId: '', prettyName: 'Arch Linux ARM' }],
    ['alpine-3.20', { family: 'alpine', id: 'alpine', versionId: '3.20.3', prettyName: 'Alpine Linux v3.20' }],
  ])('detects the os-release %s ships', (name, expected) => {
    expect(detectOs(shipped(name))).toEqual(expected)
  })

  it.each([
    ['opensuse-tumbleweed', 'openSUSE Tumbleweed (ID=opensuse-tumbleweed)'],
    // Derivatives are refused too: their packages and defaults differ from the distribution they follow.
    ['linuxmint-22', 'Linux Mint 22 (ID=linuxmint)'],
    ['rocky-9', 'Rocky Linux 9.4 (Blue Onyx) (ID=rocky)'],
  ])('refuses the os-release %s ships with UNSUPPORTED_OS, naming it', (name, named) => {
    expect(() => detectOs(shipped(name))).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_OS', message: expect.stringContaining(named) }))
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
