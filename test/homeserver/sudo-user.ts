// A user as a fresh server has one: a password, sudo that asks for it, not in group docker, no SSH key and
// no Homeport agent. Set-up tests make it anew (and put it back) so each run starts from the same place.

import { rm, writeFile } from 'node:fs/promises'
import { SUDO_USER } from './paths.js'
import { run } from './process.js'
import { ensureUser, randomSecret, removeUser } from './users.js'

const SUDOERS = `/etc/sudoers.d/homeport-test-${SUDO_USER}`

export interface SudoUser {
  name: string
  password: string
  home: string
  remove(): Promise<void>
}

export async function freshSudoUser(dockerHost: string): Promise<SudoUser> {
  if ((await run('sh', ['-c', 'command -v sudo'], { allowFailure: true })).code !== 0) {
    throw new Error('sudo is not installed on this machine (apt-get install sudo)')
  }
  await removeUser(SUDO_USER)
  const password = randomSecret()
  await ensureUser({ name: SUDO_USER, password, inDockerGroup: false, authorizedKeyFiles: [], dockerHost })
  // Asks for the password (no NOPASSWD), as on a fresh Debian where the user was made during install.
  await writeFile(SUDOERS, `${SUDO_USER} ALL=(ALL:ALL) ALL\n`, { mode: 0o440 })
  await run('visudo', ['-c', '-f', SUDOERS])
  const home = (await run('getent', ['passwd', SUDO_USER])).stdout.split(':')[5]
  return {
    name: SUDO_USER,
    password,
    home,
    async remove() {
      await rm(SUDOERS, { force: true })
      await removeUser(SUDO_USER)
    },
  }
}
