// Why a container's process ended, from what Docker said around its `die` event. Pure.
//
//   - removed (a `destroy` followed), or stopped on request (a `stop` event followed, or Homeport itself
//     stopped, killed or removed it): expected, whatever the exit code — `docker stop` ends in 137 when the
//     process ignores SIGTERM past the grace period.
//   - killed for lack of memory (Docker's OOMKilled): never expected.
//   - Docker is restarting it (its restart policy): not down, but counted towards a restart loop.
//   - exit 0 (done), 130 (SIGINT) or 143 (SIGTERM: `docker kill -s TERM`, a shutdown, `kill` on the host):
//     a clean or requested end.
//   - 137 without a stop (SIGKILL: `docker kill`, the kernel) and any other code: unexpected.

export type ExitKind = 'expected' | 'restarting' | 'oom' | 'killed' | 'crashed'

export interface ExitFacts {
  exitCode: number
  oomKilled: boolean
  /** A stop event followed the die, or the core noted that it stopped the container itself. */
  stopRequested: boolean
  removed: boolean
  /** Docker's restart policy brought (or is bringing) it back. */
  restarting: boolean
}

const CLEAN_EXITS = new Set([0, 130, 143])

export function classifyExit(f: ExitFacts): ExitKind {
  if (f.removed || f.stopRequested) return 'expected'
  if (f.restarting) return 'restarting'
  if (f.oomKilled) return 'oom'
  if (CLEAN_EXITS.has(f.exitCode)) return 'expected'
  return f.exitCode === 137 ? 'killed' : 'crashed'
}

/** What the alert says about the exit, in words. */
export function describeExit(kind: ExitKind, exitCode: number): string {
  if (kind === 'oom') return `was killed for lack of memory (exit code ${exitCode})`
  if (kind === 'killed') return 'was killed (exit code 137, SIGKILL) without being stopped by Homeport or with docker stop'
  return `exited with code ${exitCode}`
}
