// What was dropped on the browser from the desktop: files, and folders walked through the entries API so
// a dropped folder keeps its layout (`photos/2024/a.jpg`). The desktop app reads paths instead (desktop.ts).

import type { PageFile } from '../transfers-store.js'

function readAll(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => {
    const all: FileSystemEntry[] = []
    // A directory reader answers in batches until one comes back empty.
    const next = (): void =>
      reader.readEntries((batch) => {
        if (!batch.length) resolve(all)
        else {
          all.push(...batch)
          next()
        }
      }, reject)
    next()
  })
}

async function walk(entry: FileSystemEntry, prefix: string, out: PageFile[]): Promise<void> {
  const relativePath = prefix ? `${prefix}/${entry.name}` : entry.name
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject))
    out.push({ relativePath, file })
  } else if (entry.isDirectory) {
    for (const child of await readAll((entry as FileSystemDirectoryEntry).createReader())) await walk(child, relativePath, out)
  }
}

export async function droppedFiles(data: DataTransfer): Promise<PageFile[]> {
  const entries = [...data.items].filter((item) => item.kind === 'file').map((item) => item.webkitGetAsEntry?.() ?? null)
  if (entries.length && entries.every((e) => e !== null)) {
    const out: PageFile[] = []
    for (const entry of entries) await walk(entry!, '', out)
    return out
  }
  // Without entries (a synthetic drop, an older engine) the plain files are still there.
  return [...data.files].map((file) => ({ relativePath: file.name, file }))
}

/** Whether a drag carries files from outside the page (not a selection dragged within it). */
export function carriesFiles(data: DataTransfer | null): boolean {
  return data !== null && [...data.types].includes('Files')
}
