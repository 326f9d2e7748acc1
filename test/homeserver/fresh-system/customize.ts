// Turns a copy of the image into what a person who just installed Debian 12 on a box would hand over:
// an address, a user in group sudo with a password (sudo asks for it), sshd taking passwords on port 22,
// a hostname, working DNS and Debian's mirror. Nothing of Docker.

import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { run } from '../process.js'
import { machineSources, type Mirrors } from './apt-sources.js'

export interface MachineIdentity {
  hostname: string
  user: string
  password: string
}

/**
 * The host's nameservers that the machine can reach through NAT. A loopback resolver (systemd-resolved's
 * 127.0.0.53, a local dnsmasq) lives in the host's namespace only, so it would not answer the machine.
 */
async function reachableNameservers(): Promise<string[]> {
  const text = await readFile('/etc/resolv.conf', 'utf8').catch(() => '')
  const servers = [...text.matchAll(/^\s*nameserver\s+(\S+)/gm)].map((match) => match[1]!)
  const reachable = servers.filter((server) => !server.startsWith('127.') && server !== '::1' && !server.includes(':'))
  if (reachable.length === 0) {
    throw new Error(
      `the host's /etc/resolv.conf names no nameserver a network namespace can reach through NAT (found: ${servers.join(', ') || 'none'}); ` +
        'the fresh machine would have no DNS to reach the Debian mirror',
    )
  }
  return reachable
}

export async function customizeMachine(root: string, identity: MachineIdentity, mirrors: Mirrors): Promise<void> {
  const etc = (path: string): string => join(root, 'etc', path)

  // Fresh host keys per machine, as an installer generates them on first boot.
  await run('sh', ['-c', 'rm -f "$1"/etc/ssh/ssh_host_*', 'sh', root])
  await run('ssh-keygen', ['-A', '-f', root])

  await writeFile(etc('hostname'), `${identity.hostname}\n`)
  // Without its own name in /etc/hosts, every sudo prints "unable to resolve host".
  await writeFile(
    etc('hosts'),
    `127.0.0.1\tlocalhost\n127.0.1.1\t${identity.hostname}\n::1\tlocalhost ip6-localhost ip6-loopback\n`,
  )
  const nameservers = await reachableNameservers()
  await rm(etc('resolv.conf'), { force: true })
  await writeFile(etc('resolv.conf'), nameservers.map((server) => `nameserver ${server}\n`).join(''))

  // debootstrap leaves a one-line sources.list for the bare suite; a real install has updates and security.
  await rm(etc('apt/sources.list'), { force: true })
  await mkdir(etc('apt/sources.list.d'), { recursive: true })
  await writeFile(etc('apt/sources.list.d/debian.sources'), machineSources(mirrors))

  await run('useradd', ['--root', root, '--create-home', '--shell', '/bin/bash', '--groups', 'sudo', identity.user])
  // A new user is locked until it has a password; Debian's sudoers lets group sudo in with that password.
  await run('chpasswd', ['--root', root], { input: `${identity.user}:${identity.password}\n` })

  await mkdir(etc('ssh/sshd_config.d'), { recursive: true })
  await writeFile(etc('ssh/sshd_config.d/50-password-login.conf'), 'Port 22\nPasswordAuthentication yes\n')
}

/** The machine's ed25519 host key, `ssh-ed25519 AAAA…`, as its sshd will present it. */
export async function hostKeyOf(root: string): Promise<string> {
  const [type, blob] = (await readFile(join(root, 'etc/ssh/ssh_host_ed25519_key.pub'), 'utf8')).trim().split(/\s+/)
  return `${type} ${blob}`
}
