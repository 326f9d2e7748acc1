import { describe, expect, it } from 'vitest'
import { pipeChunks } from './pipe-chunks.js'
import { RequestWindow } from './request-window.js'

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('pipelined chunks', () => {
  it('keeps `depth` chunks in flight and reports the gap-free prefix as they finish out of order', async () => {
    let inFlight = 0
    let most = 0
    const prefixes: number[] = []
    await pipeChunks(
      { from: 0, size: 1000, chunk: 100, depth: 4, window: new RequestWindow(64), signal: new AbortController().signal, onProgress: (_, prefix) => prefixes.push(prefix) },
      async (pos) => {
        most = Math.max(most, ++inFlight)
        await tick(pos === 0 ? 30 : 5)
        inFlight--
      },
    )
    expect(most).toBe(4)
    // Chunk 0 is slow: nothing counts as gap-free until it lands, then everything before the next gap does.
    expect(prefixes.slice(0, 3)).toEqual([0, 0, 0])
    expect(prefixes.at(-1)).toBe(1000)
  })

  it('stops issuing after a failure, waits for what is in flight, and throws it', async () => {
    const started: number[] = []
    const failing = pipeChunks(
      { from: 200, size: 2000, chunk: 100, depth: 2, window: new RequestWindow(1), signal: new AbortController().signal, onProgress: () => {} },
      async (pos) => {
        started.push(pos)
        await tick(2)
        if (pos === 400) throw new Error('refused')
      },
    )
    await expect(failing).rejects.toThrow('refused')
    expect(started[0]).toBe(200)
    expect(started.length).toBeLessThan(6)
  })
})
