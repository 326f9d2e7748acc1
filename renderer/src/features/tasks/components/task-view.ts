// What the Tasks page shows and checks before asking the core: the command typed as one line split into its
// words (quotes and backslashes as a shell reads them, but nothing is ever expanded: the words go to the
// server as an argv), a task's target and last run in words, and the add form's field errors.

import type { TaskDto, TaskRunDto, TaskTargetDto } from '../../../../../shared/contract/index.js'

/** Words of a command line: '…' keeps everything, "…" keeps everything but \" \\ \$ \` (as POSIX sh), a backslash escapes one character. */
export function splitCommand(line: string): string[] {
  const words: string[] = []
  let word = ''
  let inWord = false
  let quote: "'" | '"' | undefined
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (quote === "'") {
      if (c === "'") quote = undefined
      else word += c
    } else if (quote === '"') {
      if (c === '"') quote = undefined
      else if (c === '\\' && '"\\$`'.includes(line[i + 1] ?? 'x')) word += line[++i]
      else word += c
    } else if (c === "'" || c === '"') {
      quote = c
      inWord = true
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i]
      inWord = true
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word)
      word = ''
      inWord = false
    } else {
      word += c
      inWord = true
    }
  }
  if (quote) throw new Error(`The command has a ${quote === "'" ? 'single' : 'double'} quote that is never closed.`)
  if (inWord) words.push(word)
  return words
}

export interface TaskForm {
  name: string
  cron: string
  where: 'app' | 'image'
  app: string | null
  service: string | null
  image: string
  command: string
}

/** Field → what is wrong with it, in the form's own words; empty when the form can be sent. */
export function formErrors(f: TaskForm): Partial<Record<keyof TaskForm, string>> {
  const errors: Partial<Record<keyof TaskForm, string>> = {}
  if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(f.name)) errors.name = 'Use lower-case letters, digits and "-" (at most 40), starting with a letter or digit.'
  const fields = f.cron.trim().split(/\s+/)
  if (!['hourly', 'daily', 'weekly', 'monthly'].includes(f.cron.trim().toLowerCase()) && fields.length !== 5) errors.cron = 'Give five fields (minute hour day month weekday), such as 30 2 * * *, or hourly, daily, weekly or monthly.'
  if (f.where === 'app') {
    if (!f.app) errors.app = 'Pick the app whose service runs the command.'
    else if (!f.service) errors.service = 'Pick the service that runs the command.'
  } else if (!/^[A-Za-z0-9][A-Za-z0-9._/:@-]*$/.test(f.image.trim())) errors.image = 'Give an image such as busybox:1.36 or registry.local:5000/tools/backup.'
  try {
    if (!splitCommand(f.command).length) errors.command = 'Give the command to run.'
  } catch (err) {
    errors.command = (err as Error).message
  }
  return errors
}

export function targetOf(f: TaskForm): TaskTargetDto {
  return f.where === 'app' ? { kind: 'app', app: f.app ?? '', service: f.service ?? '' } : { kind: 'image', image: f.image.trim() }
}

export function describeTarget(t: TaskTargetDto): string {
  return t.kind === 'app' ? `in ${t.app} / ${t.service}` : `in a container of ${t.image}`
}

/** A command as the user would type it again (words with spaces or quotes quoted). */
export function commandLine(argv: string[]): string {
  return argv.map((w) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replaceAll("'", `'\\''`)}'`)).join(' ')
}

export function runStatus(run: TaskRunDto | undefined): { text: string; type: 'default' | 'success' | 'error' | 'info' | 'warning' } {
  if (!run) return { text: 'Never run', type: 'default' }
  if (run.status === 'running') return { text: 'Running', type: 'info' }
  if (run.status === 'skipped') return { text: `Skipped: run ${run.skippedFor} was still going`, type: 'warning' }
  return run.status === 'ok' ? { text: `OK (exit 0)`, type: 'success' } : { text: `Failed (exit ${run.exitCode})`, type: 'error' }
}

export function duration(ms: number | undefined): string {
  if (ms === undefined) return ''
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`
}

export function byName(tasks: TaskDto[]): TaskDto[] {
  return [...tasks].sort((a, b) => a.name.localeCompare(b.name))
}
