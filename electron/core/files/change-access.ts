// chmod and chown. One entry's mode is one SFTP request; `recursive` and ownership go through chmod -R and
// chown on the server (SFTP only knows numeric ids, and a tree would be a request per entry).

import { absolutePath, type HostTarget } from './host-target.js'
import { runOnServer } from './server-command.js'

export async function changeMode(target: HostTarget, path: string, mode: number, recursive: boolean): Promise<void> {
  if (!recursive) return (await target.fs()).setstat(path, { mode })
  const absolute = await absolutePath(target, path)
  await runOnServer(target, ['chmod', '-R', mode.toString(8), '--', absolute], { path: absolute, action: 'change the mode of' })
}

export async function changeOwner(target: HostTarget, path: string, owner: string | undefined, group: string | undefined, recursive: boolean): Promise<void> {
  const absolute = await absolutePath(target, path)
  const spec = `${owner ?? ''}${group ? `:${group}` : ''}`
  // -h: a symlink's own owner changes, never its target's; -R never follows links either.
  await runOnServer(target, ['chown', recursive ? '-R' : '-h', '--', spec, absolute], { path: absolute, action: 'change the owner of' })
}
