// Paths on the server as the browser walks them, and the order and filter of a folder's entries. Plain
// functions, so the rules are tested without a window.

import type { FileEntryDto } from '../../../../../shared/contract/files.js'

export function joinPath(dir: string, name: string): string {
  if (dir === '/') return `/${name}`
  return `${dir.replace(/\/+$/, '')}/${name}`
}

/** The folder holding `path`; the root is its own parent. */
export function parentPath(path: string): string {
  const trimmed = path.replace(/\/+$/, '')
  const cut = trimmed.lastIndexOf('/')
  if (cut <= 0) return '/'
  return trimmed.slice(0, cut)
}

export interface Crumb {
  label: string
  path: string
}

/** `/srv/media/films` → `/`, `srv`, `media`, `films`, each with the path it opens. */
export function breadcrumbs(path: string): Crumb[] {
  const crumbs: Crumb[] = [{ label: '/', path: '/' }]
  let at = ''
  for (const part of path.split('/').filter(Boolean)) {
    at = `${at}/${part}`
    crumbs.push({ label: part, path: at })
  }
  return crumbs
}

export type SortKey = 'name' | 'size' | 'modified' | 'mode' | 'owner'
export interface SortOrder {
  key: SortKey
  descending: boolean
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })

function compareBy(key: SortKey, a: FileEntryDto, b: FileEntryDto): number {
  switch (key) {
    case 'size':
      return a.size - b.size
    case 'modified':
      return a.mtimeMs - b.mtimeMs
    case 'mode':
      return a.mode - b.mode
    case 'owner':
      return collator.compare(a.owner, b.owner)
    default:
      return collator.compare(a.name, b.name)
  }
}

/** Folders first (as every file manager does), then by the column, ties broken by name. */
export function sortEntries(entries: readonly FileEntryDto[], order: SortOrder): FileEntryDto[] {
  const sign = order.descending ? -1 : 1
  return [...entries].sort((a, b) => {
    const folders = Number(b.type === 'dir') - Number(a.type === 'dir')
    if (folders !== 0) return folders
    return sign * (compareBy(order.key, a, b) || collator.compare(a.name, b.name))
  })
}

export function visibleEntries(entries: readonly FileEntryDto[], showHidden: boolean, order: SortOrder): FileEntryDto[] {
  return sortEntries(showHidden ? entries : entries.filter((e) => !e.name.startsWith('.')), order)
}

/** `rwxr-xr-x` with the type letter in front, as `ls -l` shows it. */
export function modeText(entry: Pick<FileEntryDto, 'mode' | 'type'>): string {
  const letters = 'rwxrwxrwx'
  let text = ''
  for (let bit = 0; bit < 9; bit++) text += entry.mode & (1 << (8 - bit)) ? letters[bit] : '-'
  const type = entry.type === 'dir' ? 'd' : entry.type === 'symlink' ? 'l' : entry.type === 'other' ? '?' : '-'
  return `${type}${text}`
}

/** `report.pdf` → `report (1).pdf` (as transfers name them), the first name not in `taken`. */
export function freeName(name: string, taken: ReadonlySet<string>): string {
  const dot = name.lastIndexOf('.')
  const stem = dot > 0 ? name.slice(0, dot) : name
  const ext = dot > 0 ? name.slice(dot) : ''
  for (let n = 1; ; n++) {
    const candidate = `${stem} (${n})${ext}`
    if (!taken.has(candidate)) return candidate
  }
}

/** Why a typed name cannot be a file name, or undefined when it can. */
export function nameProblem(name: string): string | undefined {
  if (!name) return 'Type a name.'
  if (name === '.' || name === '..') return `“${name}” is not a name a file can have.`
  if (name.includes('/')) return 'A name cannot contain “/”; create the folders one by one.'
  if (name.includes('\0')) return 'A name cannot contain a NUL character.'
  return undefined
}

const IMAGE = /\.(png|jpe?g|gif|webp|bmp|ico|svg|avif)$/i
export function isImage(name: string): boolean {
  return IMAGE.test(name)
}
