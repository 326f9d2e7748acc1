// A user as a fresh server has one: a password, sudo that asks for it, not in group docker, no SSH key and
// no Homeport agent. Set-up tests make it anew (and put it back) so each run starts from the same place.

import { rm, writeFile } from 'node:fs/promises'
import { sudoUserName } from './paths.js'
import { run } from './process.js'
import { ensureUser, randomSecret, removeUser } from './users.js'


export interface SudoUser {
  name: string
  password: string
  home: string
  remove(): Promise<void>
}

/** `tag` names the user (`hptest-sudo-<tag>`): a different one per test file. */
export async function freshSudoUser(dockerHost: string, tag: string): Promise<SudoUser> {
  const name = sudoUserName(tag)
  const sudoers = `/etc/sudoers.d/homeport-test-${name}`
  if ((await run('sh', ['-c', 'command -v sudo'], { allowFailure: true })).code !== 0) {
    throw new Error('sudo is not installed on this machine (apt-get install sudo)')
  }
  await removeUser(name)
  const password = randomSecret()
  await ensureUser({ name, password, inDockerGroup: false, authorizedKeyFiles: [], dockerHost })
  // Asks for the password (no NOPASSWD), as on a fresh Debian where the user was made during install.
  await writeFile(sudoers, `${name} ALL=(ALL:ALL) ALL\n`, { mode: 0o440 })
  await run('visudo', ['-c', '-f', sudoers])
  const home = (await run('getent', ['passwd', name])).stdout.split(':')[5]
  return {
    name,
    password,
    home,
    async remove() {
      await rm(sudoers, { force: true })
      await removeUser(name)
    },
  }
}
