// The download's block writer, on real files: chunks that are views of a buffer reused right after each call
// land byte for byte from the starting offset (a resumed download), offsets are reported as blocks reach the
// file, and a write that fails is reported once and stops everything after it.

import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { BlockWriter } from './block-writer.js'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function scratch(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'homeport-block-writer-'))
  dirs.push(dir)
  return dir
}

function run(writer: BlockWriter, idle: Promise<void>, data: Buffer, sizes: number[]): Promise<void> {
  // One buffer reused for every chunk, overwritten as soon as the writer has returned, as a lent socket read is.
  const lent = Buffer.alloc(Math.max(...sizes))
  let pos = 0
  let i = 0
  while (pos < data.length) {
    const n = Math.min(sizes[i++ % sizes.length], data.length - pos)
    data.copy(lent, 0, pos, pos + n)
    writer.add(lent.subarray(0, n))
    lent.fill(0xee)
    pos += n
  }
  writer.end()
  return idle
}

describe('BlockWriter', () => {
  it('writes copied chunks in order from the starting offset and reports each offset reached', async () => {
    const file = path.join(scratch(), 'out.bin')
    const head = randomBytes(1000)
    writeFileSync(file, head)
    const data = randomBytes(3 * 1024 * 1024 + 4567)
    const handle = await open(file, 'r+')
    const offsets: number[] = []
    let idle!: () => void
    const done = new Promise<void>((r) => (idle = r))
    const writer = new BlockWriter(handle, head.length, { onWritten: (o) => offsets.push(o), onFailed: (err) => expect.fail(String(err)), onIdle: () => idle() })
    await run(writer, done, data, [32768, 1, 65536 + 7, 300_000])
    await handle.close()
    expect(readFileSync(file).equals(Buffer.concat([head, data]))).toBe(true)
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b))
    expect(offsets.at(-1)).toBe(head.length + data.length)
    expect(writer.backlog).toBe(0)
  })

  it('reports a failed write once, then takes nothing more and goes idle', async () => {
    const file = path.join(scratch(), 'read-only.bin')
    writeFileSync(file, '')
    const handle = await open(file, 'r')
    const failures: unknown[] = []
    const written: number[] = []
    let idle!: () => void
    const done = new Promise<void>((r) => (idle = r))
    const writer = new BlockWriter(handle, 0, { onWritten: (o) => written.push(o), onFailed: (err) => failures.push(err), onIdle: () => idle() })
    await run(writer, done, randomBytes(5 * 1024 * 1024), [32768])
    writer.add(Buffer.alloc(10))
    await handle.close()
    expect(failures).toHaveLength(1)
    expect((failures[0] as NodeJS.ErrnoException).code).toBe('EBADF')
    expect(written).toEqual([])
    expect(writer.backlog).toBe(0)
    expect(readFileSync(file).length).toBe(0)
  })
})
