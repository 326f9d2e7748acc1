// A restore that also says how many files and bytes it put back, counted where restic wrote them, in the same
// container: no second restic command (each opens the repository, a key derivation of half a second or so,
// beside a restore that needs the processor). The paths counted are those restored (fresh volumes: a
// clone's, or the scratch ones), so what is there is exactly what the snapshot held under them. Only sizes
// are printed (`stat -c %s`, one line a file), never names: a name may hold a newline and anything after it.

import type { StoredRepository } from './backup-config.js'
import { resticRunFor, type BackupServer, type ResticCallOptions } from './restic-call.js'
import { runRestic } from './restic-container.js'
import { resticError } from './restic-errors.js'

const MARKER = 'homeport: restored files'

/**
 * `sh -c SCRIPT restic <restic's arguments> <paths to count> <how many paths>`: restic runs with its own
 * arguments only (rebuilt in a subshell; no argument is ever parsed by the shell), then the size of every
 * regular file under each path is printed. Its exit code is restic's when restic failed.
 */
export const COUNT_SCRIPT = [
  'eval "k=\\${$#}"',
  'n=$(($# - 1 - k))',
  '(',
  '  i=0',
  '  for a; do i=$((i + 1)); if [ "$i" -le "$n" ]; then set -- "$@" "$a"; fi; done',
  '  shift $((n + k + 1))',
  '  exec "$0" "$@"',
  ') || exit',
  'shift "$n"',
  `echo '${MARKER}'`,
  'i=0',
  // The paths are absolute (never taken for an option by find).
  'for p; do i=$((i + 1)); if [ "$i" -le "$k" ]; then find "$p" -type f -exec stat -c %s {} +; fi; done',
  'exit 0',
].join('\n')

/** The files and bytes the script printed after its marker: one regular file's size a line. */
export function countRestored(stdout: string): { files: number; bytes: number } {
  const lines = stdout.split('\n')
  const listed = lines.indexOf(MARKER)
  let files = 0
  let bytes = 0
  if (listed < 0) return { files, bytes }
  for (const line of lines.slice(listed + 1)) {
    if (!/^\d+$/.test(line)) continue
    files++
    bytes += Number(line)
  }
  return { files, bytes }
}

/** `restic restore …` (args from `restore` on), then the files and bytes under `counted` where it wrote them. */
export async function restoreCounted(srv: BackupServer, repo: StoredRepository, args: string[], counted: string[], opts: ResticCallOptions): Promise<{ files: number; bytes: number }> {
  const run = await resticRunFor(srv, repo, args, opts)
  const out = await runRestic({ ...run, entrypoint: 'sh', args: ['-c', COUNT_SCRIPT, 'restic', ...run.args, ...counted, String(counted.length)] })
  if (out.code !== 0) throw resticError(out, opts.what, repo.name)
  return countRestored(out.stdout)
}
