// Retention: `restic forget --keep-* --prune` over one app's snapshots. The defaults are Umbrel's: the last
// 10, 24 hourly, 7 daily, 4 weekly and 12 monthly.

import type { RetentionDto } from '../../../shared/contract/backups.js'
import type { StoredRepository } from './backup-config.js'
import { LOCAL_REPO } from './repository-access.js'
import { restic, resticRunFor, type BackupServer } from './restic-call.js'
import { APP_LABEL, runRestic } from './restic-container.js'
import { APP_TAG } from './snapshots.js'

export function retentionArgs(r: RetentionDto): string[] {
  const keep: [string, number][] = [['--keep-last', r.last], ['--keep-hourly', r.hourly], ['--keep-daily', r.daily], ['--keep-weekly', r.weekly], ['--keep-monthly', r.monthly], ['--keep-yearly', r.yearly]]
  return keep.filter(([, n]) => n > 0).flatMap(([flag, n]) => [flag, String(n)])
}

/** restic's arguments for the retention of an app; none when the policy keeps everything (restic refuses `forget` without a rule). */
export function forgetArgs(app: string, retention: RetentionDto): string[] {
  const keep = retentionArgs(retention)
  return keep.length ? ['forget', '--json', '--tag', `${APP_TAG}=${app}`, '--group-by', 'tags', ...keep, '--prune'] : []
}

/** True when a group of `count` snapshots loses none to the policy: its "last N" alone keeps them all. */
export function keepsEverything(r: RetentionDto, count: number): boolean {
  return r.last > 0 && count <= r.last
}

/**
 * How many snapshots (of every app) a repository that is a folder on the server holds: the files in its
 * `snapshots` folder, listed by `ls` in a container of the image — no restic, so no key derivation. At least
 * as many as the app's own, so a count that `keepsEverything` proves the same for the app. Undefined when the
 * folder could not be listed (the caller then applies the retention).
 */
export async function countLocalSnapshots(srv: BackupServer, repo: StoredRepository, app: string): Promise<number | undefined> {
  if (repo.kind !== 'local') return undefined
  const out = await resticRunFor(srv, repo, [], { what: `count the snapshots of ${repo.name}`, role: 'count', labels: { [APP_LABEL]: app } })
    .then((run) => runRestic({ ...run, entrypoint: 'ls', args: [`${LOCAL_REPO}/snapshots`] }))
    .catch(() => undefined)
  if (out?.code !== 0) return undefined
  return out.stdout.split('\n').filter((name) => /^[0-9a-f]{64}$/.test(name)).length
}

/** Returns how many snapshots were removed. */
export async function applyRetention(srv: BackupServer, repo: StoredRepository, app: string, retention: RetentionDto, signal?: AbortSignal): Promise<number> {
  const keep = retentionArgs(retention)
  // With no keep rule at all restic would refuse; keeping everything is what such a policy means.
  if (!keep.length) return 0
  const out = await restic(srv, repo, forgetArgs(app, retention), { what: `apply the retention of ${app}`, role: 'forget', ...(signal ? { signal } : {}) })
  const line = out.stdout.split('\n').find((l) => l.startsWith('['))
  if (!line) return 0
  const groups = JSON.parse(line) as { remove?: unknown[] | null }[]
  return groups.reduce((n, g) => n + (g.remove?.length ?? 0), 0)
}
