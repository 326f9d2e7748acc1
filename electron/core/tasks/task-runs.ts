// The run records a task's script writes on the server, read back: one JSON object per run, in files named
// after the run. A record that does not parse (a write cut off by a power cut) is skipped, not fatal.

import type { TaskRunDto } from '../../../shared/contract/tasks.js'
import type { SshSession } from '../connection/types.js'

const STATUSES = new Set(['running', 'ok', 'failed', 'skipped'])

/** Records as `cat` printed them, one per line, oldest first (run ids start with their UTC time). */
export function parseRunRecords(text: string): TaskRunDto[] {
  const runs: TaskRunDto[] = []
  for (const line of text.split('\n')) {
    if (!line.trim()) continue
    try {
      const r = JSON.parse(line) as TaskRunDto
      if (typeof r.task === 'string' && typeof r.run === 'string' && STATUSES.has(r.status) && typeof r.startedAt === 'string') runs.push(r)
    } catch {
      // skipped: a torn record
    }
  }
  return runs.sort((a, b) => (a.run < b.run ? -1 : a.run > b.run ? 1 : 0))
}

/** Every run of every task under `root` (or of one task), in one exec. */
export async function readRuns(session: SshSession, root: string, task?: string): Promise<TaskRunDto[]> {
  const script = 'cd -- "$1" 2>/dev/null || exit 0; for f in ${2:-*}/runs/*.json; do [ -f "$f" ] && { cat -- "$f"; echo; }; done; exit 0'
  const res = await session.exec(['sh', '-c', script, 'sh', root, task ?? ''])
  return parseRunRecords(res.stdout)
}
