// Scratch volumes a restore writes into first: the app's own volumes and folders are only touched once
// restic has restored the whole snapshot, so a restore that fails (a wrong password, a target out of
// reach, a damaged pack) leaves the app as it was. Then their contents replace the app's in one short
// step while it is stopped. A drill restores into them too.

import { randomBytes } from 'node:crypto'
import { posix } from 'node:path'
import { HomeportError } from '../../../shared/errors.js'
import type { Docker } from '../docker/docker-access.js'
import { APP_LABEL, BACKUP_LABEL, runRestic } from './restic-container.js'

export interface Staging {
  /** Scratch volume per snapshot path. */
  scratch: Map<string, string>
  remove(): Promise<void>
}

export async function createStaging(docker: Docker, snapshotPaths: string[], app: string): Promise<Staging> {
  const token = randomBytes(4).toString('hex')
  const scratch = new Map<string, string>()
  try {
    for (const [i, path] of snapshotPaths.entries()) {
      const name = `homeport-restore-${token}-${i}`
      await docker.createVolume({ Name: name, Labels: { [BACKUP_LABEL]: 'staging', [APP_LABEL]: app, 'io.homeport.restore.path': path } })
      scratch.set(path, name)
    }
  } catch (err) {
    await Promise.all([...scratch.values()].map((v) => docker.getVolume(v).remove().catch(() => {})))
    throw err
  }
  return {
    scratch,
    async remove() {
      await Promise.all([...scratch.values()].map((v) => docker.getVolume(v).remove({ force: true }).catch(() => {})))
    },
  }
}

export interface Replacement {
  /** Where restic put the content (inside the scratch volume mounted at /staging/<i>). */
  from: string
  /** Docker mount of the destination: a volume name or a host folder. */
  to: { type: 'volume' | 'bind'; source: string }
  /** A single path inside the destination (a file or folder restore); absent: the whole content. */
  subPath?: string
}

/**
 * Replaces each destination's content with the staged one: everything in it removed, then `cp -a`, in one container
 * of the restic image (busybox's sh, find and cp), the paths passed as arguments, never in the script.
 */
export async function replaceContents(docker: Docker, image: string, staging: Staging, replacements: Replacement[], app: string): Promise<void> {
  const mounts = [
    ...[...staging.scratch.values()].map((v, i) => ({ type: 'volume' as const, source: v, target: `/staging/${i}`, readOnly: true })),
    ...replacements.map((r, i) => ({ type: r.to.type, source: r.to.source, target: `/dest/${i}`, readOnly: false })),
  ]
  const stagedAt = new Map([...staging.scratch.keys()].map((path, i) => [path, `/staging/${i}`]))
  const args: string[] = []
  for (const [i, r] of replacements.entries()) {
    const root = [...stagedAt.keys()].find((p) => r.from === p || r.from.startsWith(`${p}/`))
    if (!root) throw new HomeportError('INTERNAL', `Nothing was staged for ${r.from}.`)
    const from = posix.join(stagedAt.get(root)!, r.from.slice(root.length))
    const dest = posix.join(`/dest/${i}`, r.subPath ?? '')
    args.push(from, dest, r.subPath ? 'one' : 'all')
  }
  const script = [
    'set -e',
    'while [ "$#" -gt 0 ]; do',
    '  from="$1"; dest="$2"; mode="$3"; shift 3',
    '  if [ "$mode" = all ]; then find "$dest" -mindepth 1 -maxdepth 1 -exec rm -rf {} +; cp -a "$from"/. "$dest"/;',
    '  else rm -rf "$dest"; mkdir -p "$(dirname "$dest")"; cp -a "$from" "$dest"; fi',
    'done',
  ].join('\n')
  const out = await runRestic({ docker, image, role: 'restore-copy', entrypoint: 'sh', args: ['-c', script, 'sh', ...args], mounts, secrets: {}, network: 'none', labels: { [APP_LABEL]: app } })
  if (out.code !== 0) throw new HomeportError('COMMAND_FAILED', 'Could not put the restored files in place.', { hint: 'Read the details; the app stays stopped so nothing runs on half its data. Run the restore again.', details: `${out.stderr}\n${out.stdout}`.trim() })
}
