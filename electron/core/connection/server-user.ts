// The SSH user on the server: the home folder (where the deploy records, the proxy's folder and the
// schedules live) and the uid/gid (the deploy proxy runs as that user, so its admin socket is the user's own).
// One exec per session, remembered.

import { HomeportError } from '../../../shared/errors.js'
import type { SshSession } from './types.js'

export interface ServerUser {
  home: string
  uid: number
  gid: number
}

const cache = new WeakMap<SshSession, Promise<ServerUser>>()

export function serverUser(session: SshSession): Promise<ServerUser> {
  let user = cache.get(session)
  if (!user) {
    user = session.exec(['sh', '-c', 'printf "%s\\n" "$HOME"; id -u; id -g']).then((res) => {
      const [home = '', uid, gid] = res.stdout.split('\n')
      if (!home.startsWith('/') || !/^\d+$/.test(uid ?? '') || !/^\d+$/.test(gid ?? '')) {
        throw new HomeportError('COMMAND_FAILED', 'Could not read the home folder and user id of the SSH user on the server.', { details: res.stderr })
      }
      return { home, uid: Number(uid), gid: Number(gid) }
    })
    user.catch(() => cache.delete(session))
    cache.set(session, user)
  }
  return user
}
