// The backups benchmark's data: 1 GiB (HOMEPORT_BENCH_BACKUP_MIB) of mixed files made from a seed, so every
// run backs up the same bytes: many small files, some medium ones and a few large; some compressible text,
// mostly incompressible random data (AES-CTR keystreams keyed by the seed and the file's name). The sha256 of
// every file is kept as it is written, to check what each restore puts back.

import { createCipheriv, createHash } from 'node:crypto'
import { mkdirSync, openSync, closeSync, writeSync, readFileSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'

const KIB = 1024
const MIB = 1024 * KIB
const WORDS = 'the of and a to in is you that it he was for on are as with his they at be this have from or one had by word but not what all were we when your can said there use an each which she do how their if will up other about out many then them these so some her would make like him into time has look two more write go see number no way could people my than first water been call who oil its now find long down day did get come made may part'.split(' ')

/** Path (relative to the data folder) → sha256. */
export type Tree = Map<string, string>

function keystream(seed: string, name: string): (bytes: number) => Buffer {
  const key = createHash('sha256').update(`${seed}\0${name}`).digest()
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16))
  return (bytes) => cipher.update(Buffer.alloc(bytes))
}

/** Words picked by the keystream: text that compresses about 3:1 yet does not repeat (nothing to deduplicate). */
function text(random: Buffer): Buffer {
  const parts: string[] = []
  let length = 0
  for (let i = 0; length < random.length; i++) {
    const word = WORDS[random[i % random.length] % WORDS.length] + (random[(i * 7) % random.length] % 13 === 0 ? '.\n' : ' ')
    parts.push(word)
    length += word.length
  }
  return Buffer.from(parts.join(''), 'latin1').subarray(0, random.length)
}

interface Planned {
  path: string
  size: number
  kind: 'text' | 'random'
}

/** The files: sizes and kinds drawn from the seed, the large ones taking what is left of `totalBytes`. */
function plan(seed: string, totalBytes: number): Planned[] {
  const pick = keystream(seed, 'plan')
  const draw = (below: number) => pick(4).readUInt32BE(0) % below
  const files: Planned[] = []
  const scale = totalBytes / (1024 * MIB)
  for (let i = 0; i < Math.round(6000 * scale); i++) files.push({ path: `small/d${i % 60}/f${i}.${i % 2 ? 'txt' : 'bin'}`, size: KIB + draw(31 * KIB), kind: i % 2 ? 'text' : 'random' })
  for (let i = 0; i < Math.round(100 * scale); i++) files.push({ path: `medium/m${i}.${i % 3 === 0 ? 'log' : 'dat'}`, size: MIB + draw(5 * MIB), kind: i % 3 === 0 ? 'text' : 'random' })
  const rest = totalBytes - files.reduce((n, f) => n + f.size, 0)
  for (let i = 0; i < 3; i++) files.push({ path: `large/l${i}.bin`, size: Math.floor(rest / 3) + (i === 0 ? rest % 3 : 0), kind: 'random' })
  return files
}

/** Writes the data into `dir` (an existing, empty folder); returns its tree and how many bytes are text. */
export function writeData(dir: string, seed: string, totalBytes: number): { tree: Tree; textBytes: number } {
  const tree: Tree = new Map()
  let textBytes = 0
  for (const file of plan(seed, totalBytes)) {
    const path = join(dir, file.path)
    mkdirSync(join(path, '..'), { recursive: true })
    const random = keystream(seed, file.path)
    const hash = createHash('sha256')
    const fd = openSync(path, 'w')
    try {
      for (let left = file.size; left > 0; ) {
        const n = Math.min(left, 4 * MIB)
        const chunk = file.kind === 'text' ? text(random(n)) : random(n)
        writeSync(fd, chunk)
        hash.update(chunk)
        left -= n
      }
    } finally {
      closeSync(fd)
    }
    if (file.kind === 'text') textBytes += file.size
    tree.set(file.path, hash.digest('hex'))
  }
  return { tree, textBytes }
}

/** The sha256 of every file under `dir`, by path relative to it. */
export function readTree(dir: string): Tree {
  const tree: Tree = new Map()
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const path = join(entry.parentPath, entry.name)
    tree.set(relative(dir, path), createHash('sha256').update(readFileSync(path)).digest('hex'))
  }
  return tree
}

/** Empty when `actual` is `expected`; otherwise what differs, briefly. */
export function treeDifference(expected: Tree, actual: Tree): string {
  const missing = [...expected.keys()].filter((p) => !actual.has(p))
  const extra = [...actual.keys()].filter((p) => !expected.has(p))
  const changed = [...expected.keys()].filter((p) => actual.has(p) && actual.get(p) !== expected.get(p))
  if (!missing.length && !extra.length && !changed.length) return ''
  const some = (list: string[]) => list.slice(0, 3).join(', ') + (list.length > 3 ? '…' : '')
  return [missing.length && `${missing.length} missing (${some(missing)})`, extra.length && `${extra.length} extra (${some(extra)})`, changed.length && `${changed.length} differ (${some(changed)})`].filter(Boolean).join('; ')
}
