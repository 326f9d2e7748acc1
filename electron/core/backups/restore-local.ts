// One file or folder of a snapshot brought to this computer: restic has restored it into a scratch volume
// (restore-run.ts), and it is read out of there through Docker's archive API by the files domain's volume
// download — the same unpacking beside the destination and move into place. A name already taken in the
// local folder is never overwritten: the download gets a free name, which the result gives.

import { join, posix, resolve } from 'node:path'
import { downloadFromVolume } from '../files/volumes/volume-transfer.js'
import type { JobContext } from '../jobs/job-runner.js'
import type { BackupServer } from './restic-call.js'

/** Downloads `path` (a snapshot path under `root`, which restic restored into `volume`) into `dir`; returns where it landed. */
export async function downloadRestored(srv: BackupServer, volume: string, root: string, path: string, dir: string, ctx: JobContext): Promise<string> {
  const inVolume = path === root ? '/' : path.slice(root.length)
  ctx.step(`Downloading ${posix.basename(path)} to ${dir}`)
  const never = async () => undefined
  const got = await downloadFromVolume({ server: srv.server, volume, docker: srv.docker, image: srv.image }, { sources: [inVolume], destination: dir, onClash: 'rename', verify: 'size', parallel: 1 }, never, ctx)
  const landed = join(resolve(dir), inVolume === '/' ? 'volume' : posix.basename(inVolume))
  return got.renamed[0]?.to ?? landed
}
