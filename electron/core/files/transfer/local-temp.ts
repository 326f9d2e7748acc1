// The temporary name a download is written under on this computer before the rename into place: hidden and
// in the same folder, like the server side's (connection/sftp.ts tempSibling).

import { basename, dirname, join } from 'node:path'

export function localTemp(path: string, token: string): string {
  return join(dirname(path), `.${basename(path)}.homeport-${token}.part`)
}
