// An image as `docker save` (`GET /images/{name}/get`) writes it, cut down to what a server lacks. Docker up
// to 24 writes `<v1 id>/layer.tar` per layer and manifest.json last; Docker 25 and later an OCI layout
// (`blobs/sha256/…`, `index.json`) with manifest.json beside it. In both, manifest.json names the config
// and, in the order of the config's `rootfs.diff_ids`, each layer's file. `POST /images/load` opens a layer's
// file only when its layer store lacks that layer's chain, so a file the server has need not be sent: the
// rest of the archive goes as it was, byte for byte.

import { open, type FileHandle } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { chainIds } from './image-layers.js'
import { readEntry, readTarIndex, type TarEntry } from './tar-index.js'

export interface SaveManifest {
  Config: string
  RepoTags?: string[] | null
  Layers: string[]
}

export interface SavedImage {
  layout: 'legacy' | 'oci'
  entries: TarEntry[]
  manifest: SaveManifest[]
  /** Each image's layers in order, with the file that holds it and its chain ID. */
  layers: { file: string; diffId: string; chainId: string }[][]
  /** The archive's size as saved. */
  bytes: number
}

export interface SendPlan {
  keep: TarEntry[]
  layers: number
  layersSent: number
  bytesSent: number
  bytesFull: number
}

/** Two zero blocks end a tar. */
const END_OF_ARCHIVE = 1024

function invalid(what: string): Error {
  return new Error(`The saved image is not as Docker writes it: ${what}.`)
}

export async function readSavedImage(path: string): Promise<SavedImage> {
  const file = await open(path, 'r')
  try {
    const entries = await readTarIndex(file)
    const byName = new Map(entries.map((e) => [e.name, e]))
    const json = async <T>(name: string): Promise<T> => {
      const entry = byName.get(name)
      if (!entry) throw invalid(`${name} is missing`)
      return JSON.parse((await readEntry(file, entry)).toString('utf8')) as T
    }
    const manifest = await json<SaveManifest[]>('manifest.json')
    if (!Array.isArray(manifest) || !manifest.length) throw invalid('manifest.json lists no image')
    const layers = await Promise.all(
      manifest.map(async (m) => {
        const diffIds = (await json<{ rootfs?: { diff_ids?: string[] } }>(m.Config)).rootfs?.diff_ids ?? []
        if (diffIds.length !== m.Layers.length) throw invalid(`${m.Config} has ${diffIds.length} layers, manifest.json ${m.Layers.length}`)
        const chain = chainIds(diffIds)
        return m.Layers.map((file, i) => ({ file, diffId: diffIds[i]!, chainId: chain[i]! }))
      }),
    )
    const layout = byName.has('index.json') && byName.has('oci-layout') ? 'oci' : 'legacy'
    return { layout, entries, manifest, layers, bytes: (await file.stat()).size }
  } finally {
    await file.close()
  }
}

/** The archive without the files of layers whose chain the server holds (`present`); all of it when `present` is empty. */
export function planSend(saved: SavedImage, present: ReadonlySet<string>): SendPlan {
  const all = saved.layers.flat()
  // One file may stand for two layers (the same diff ID twice); it stays if either one is missing.
  const needed = new Set(all.filter((l) => !present.has(l.chainId)).map((l) => l.file))
  const skipped = new Set(all.map((l) => l.file).filter((f) => !needed.has(f)))
  const keep = saved.entries.filter((e) => !skipped.has(e.name))
  const bytesSent = keep.reduce((sum, e) => sum + (e.end - e.start), 0) + END_OF_ARCHIVE
  const layersSent = new Set(all.filter((l) => needed.has(l.file)).map((l) => l.file)).size
  return { keep, layers: new Set(all.map((l) => l.file)).size, layersSent, bytesSent, bytesFull: saved.bytes }
}

const CHUNK = 1024 * 1024

async function* ranges(path: string, keep: readonly TarEntry[]): AsyncGenerator<Buffer> {
  const file: FileHandle = await open(path, 'r')
  try {
    for (const entry of keep) {
      for (let at = entry.start; at < entry.end; ) {
        const length = Math.min(CHUNK, entry.end - at)
        const buffer = Buffer.allocUnsafe(length)
        const { bytesRead } = await file.read(buffer, 0, length, at)
        if (bytesRead === 0) throw invalid(`it ends inside ${entry.name}`)
        yield buffer.subarray(0, bytesRead)
        at += bytesRead
      }
    }
    yield Buffer.alloc(END_OF_ARCHIVE)
  } finally {
    await file.close()
  }
}

/** The kept entries of the archive at `path`, as one tar stream. */
export function filteredTar(path: string, plan: Pick<SendPlan, 'keep'>): Readable {
  return Readable.from(ranges(path, plan.keep), { objectMode: false })
}
