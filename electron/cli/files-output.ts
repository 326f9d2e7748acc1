// How `homeport files` shows things to a person: `ls -l`-like rows and a transfer's summary.

import type { FileEntryDto, FileListDto, TransferJobResult } from '../../shared/contract/index.js'
import { formatBytes } from './apps-job.js'
import { table } from './output.js'

const TYPE_CHAR: Record<FileEntryDto['type'], string> = { file: '-', dir: 'd', symlink: 'l', other: '?' }

/** `drwxr-sr-x`, with setuid/setgid/sticky shown as `ls` does. */
export function modeString(type: FileEntryDto['type'], mode: number): string {
  const triple = (bits: number, special: boolean, mark: string) => {
    const x = bits & 1 ? (special ? mark : 'x') : special ? mark.toUpperCase() : '-'
    return `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${x}`
  }
  return TYPE_CHAR[type] + triple(mode >> 6, Boolean(mode & 0o4000), 's') + triple(mode >> 3, Boolean(mode & 0o2000), 's') + triple(mode, Boolean(mode & 0o1000), 't')
}

function when(ms: number): string {
  const d = new Date(ms)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`
}

/** Shown names keep every character but control ones (a newline would break the table), which become `?`. */
function shown(name: string): string {
  return Array.from(name, (c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? '?' : c)).join('')
}

export function formatListing(list: FileListDto): string {
  if (list.entries.length === 0) return `${list.path} is empty.\n`
  const rows = list.entries.map((e) => [
    modeString(e.type, e.mode),
    e.owner,
    e.group,
    e.type === 'dir' ? '-' : formatBytes(e.size),
    when(e.mtimeMs),
    shown(e.name) + (e.type === 'dir' ? '/' : '') + (e.target !== undefined ? ` -> ${shown(e.target)}` : ''),
  ])
  const note = list.partial ? `Only the first ${list.entries.length} entries were read.\n` : ''
  return table(['MODE', 'OWNER', 'GROUP', 'SIZE', 'MODIFIED', 'NAME'], rows) + note
}

export function formatTransfer(verb: 'Uploaded' | 'Downloaded', where: string, r: TransferJobResult): string {
  const parts = [`${r.files} file${r.files === 1 ? '' : 's'} (${formatBytes(r.bytes)})`]
  if (r.folders) parts.push(`${r.folders} folder${r.folders === 1 ? '' : 's'}`)
  if (r.links) parts.push(`${r.links} link${r.links === 1 ? '' : 's'}`)
  let text = `${verb} ${parts.join(', ')} ${where}.\n`
  if (r.skipped.length) text += `Skipped (already there): ${r.skipped.map(shown).join(', ')}\n`
  for (const r2 of r.renamed) text += `Renamed: ${shown(r2.from)} -> ${shown(r2.to)}\n`
  return text
}
