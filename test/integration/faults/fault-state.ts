// What an app is on the test server, read around the engine (the docker CLI on the engine's socket) and the
// app's folder read straight from disk (the server is this machine): the state a fault must leave either
// exactly as it was, or as a finished install or update. And the tally the suite prints at the end.

import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { docker } from '../../homeserver/helpers.js'
import type { HomeServerInfo } from '../../homeserver/types.js'

export interface AppState {
  /** `name state id image-id config-hash` of every container with the project's label. */
  containers: string[]
  networks: string[]
  volumes: string[]
  /** File name → sha256 of what the app's folder holds (the lock and journal aside); null when there is no folder. */
  folder: Record<string, string> | null
  /** Whether a run's journal is still in the app's folder. */
  journal: boolean
}

/** Files of the app's folder that belong to Homeport's own bookkeeping, not to the app. */
const BOOKKEEPING = new Set(['.homeport-lock', '.homeport-run.json'])

export function appFolder(hs: HomeServerInfo, app: string): string {
  return `/home/${hs.user}/.local/share/homeport/apps/${app}`
}

function folderState(dir: string): Record<string, string> | null {
  if (!fs.existsSync(dir)) return null
  const out: Record<string, string> = {}
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const name = path.posix.join(rel, e.name)
      if (!rel && BOOKKEEPING.has(e.name)) continue
      if (e.isDirectory()) walk(name)
      else out[name] = createHash('sha256').update(fs.readFileSync(path.join(dir, name))).digest('hex').slice(0, 16)
    }
  }
  walk('')
  return out
}

export async function appState(hs: HomeServerInfo, app: string): Promise<AppState> {
  const filter = ['--filter', `label=com.docker.compose.project=${app}`]
  const lines = async (args: string[]) => (await docker([...args, ...filter])).split('\n').filter(Boolean).sort()
  const names = await lines(['ps', '-a', '--format', '{{.Names}}'])
  const containers = names.length
    ? (await docker(['inspect', '-f', '{{.Name}} {{.State.Status}} {{slice .Id 0 12}} {{slice .Image 7 19}} {{index .Config.Labels "com.docker.compose.config-hash"}}', ...names]))
        .split('\n')
        .filter(Boolean)
        .map((l) => l.replace(/^\//, ''))
        .sort()
    : []
  return {
    containers,
    networks: await lines(['network', 'ls', '--format', '{{.Name}}']),
    volumes: await lines(['volume', 'ls', '--format', '{{.Name}}']),
    folder: folderState(appFolder(hs, app)),
    journal: fs.existsSync(path.join(appFolder(hs, app), '.homeport-run.json')),
  }
}

/** Differences between two states, one line each; empty when they are the same. */
export function stateDifferences(before: AppState, after: AppState): string[] {
  const out: string[] = []
  if (after.journal && !before.journal) out.push('journal: an unfinished run is recorded in the folder')
  for (const key of ['containers', 'networks', 'volumes'] as const) {
    for (const x of after[key]) if (!before[key].includes(x)) out.push(`${key}: ${x} is new`)
    for (const x of before[key]) if (!after[key].includes(x)) out.push(`${key}: ${x} is gone or changed`)
  }
  if ((before.folder === null) !== (after.folder === null)) out.push(`folder: ${after.folder ? 'left behind' : 'gone'} (${JSON.stringify(after.folder)})`)
  else if (before.folder && after.folder) {
    for (const f of new Set([...Object.keys(before.folder), ...Object.keys(after.folder)])) {
      if (before.folder[f] !== after.folder[f]) out.push(`folder: ${f} ${before.folder[f] ? (after.folder[f] ? 'differs' : 'is gone') : 'is new'}`)
    }
  }
  return out
}

export type Outcome = 'clean' | 'leftovers' | 'hang'

/** Runs per fault and how each ended; printed as one table when the suite is over. */
export class FaultTally {
  private readonly rows = new Map<string, { runs: number; clean: number; leftovers: number; hangs: number; notes: string[] }>()

  record(fault: string, outcome: Outcome, note?: string): void {
    const row = this.rows.get(fault) ?? { runs: 0, clean: 0, leftovers: 0, hangs: 0, notes: [] }
    row.runs++
    if (outcome === 'clean') row.clean++
    else if (outcome === 'leftovers') row.leftovers++
    else row.hangs++
    if (note) row.notes.push(note)
    this.rows.set(fault, row)
  }

  of(fault: string): { runs: number; clean: number; leftovers: number; hangs: number } {
    const { notes: _notes, ...row } = this.rows.get(fault) ?? { runs: 0, clean: 0, leftovers: 0, hangs: 0, notes: [] }
    return row
  }

  notes(fault: string): string[] {
    return this.rows.get(fault)?.notes ?? []
  }

  /** How each run ended, for reading after a failure: the job's error, or what was left. */
  details(): string {
    return [...this.rows].flatMap(([fault, r]) => r.notes.map((n) => `${fault}: ${n}`)).join('\n')
  }

  table(): string {
    const header = ['fault', 'runs', 'clean', 'leftovers', 'hangs']
    const body = [...this.rows].map(([fault, r]) => [fault, String(r.runs), String(r.clean), String(r.leftovers), String(r.hangs)])
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)))
    const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
    return [line(header), ...body.map(line)].join('\n')
  }
}
