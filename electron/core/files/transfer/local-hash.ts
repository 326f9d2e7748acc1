// sha256 of a file on this computer, streamed.

import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { localError } from './local-errors.js'

export async function localSha256(path: string): Promise<string> {
  const hash = createHash('sha256')
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer)
  } catch (err) {
    throw localError(err, path, 'read')
  }
  return hash.digest('hex')
}
