// Following an app's logs while the connection is cut: the follow resumes from the last line it delivered,
// with no line twice and none missing; when the server cannot be reached again (a changed host key), the
// stream ends with that error instead of ending as if the app had stopped.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EventMap } from '../../../shared/contract/index.js'
import { killSshConnections, swapHostKey, useHomeServer } from '../../homeserver/helpers.js'
import { sleep, waitUntil } from '../../homeserver/process.js'
import { openFaultCore, type FaultCore } from './fault-core.js'
import { resetApp } from './fault-runs.js'

const hs = useHomeServer()
const APP = 'hp-fault-logs'
// One numbered line every 50 ms, so a gap or a repeat shows in the numbers.
const COMPOSE = `
services:
  ticker:
    image: docker.io/homeport/busybox:1
    command: ["sh", "-c", "i=0; while :; do i=$$((i+1)); echo tick $$i; sleep 0.05; done"]
    stop_grace_period: 1s
`

type LogsEvent = EventMap['apps.logs']

/** The numbers of the ticks delivered on `streamId`, in order. */
const ticks = (events: LogsEvent[], streamId: string) => events.filter((e) => e.streamId === streamId).flatMap((e) => e.lines.map((l) => Number(/^tick (\d+)$/.exec(l.text)?.[1])))

describe('apps.logsFollow across a cut connection', () => {
  let t: FaultCore

  beforeAll(async () => {
    await resetApp(hs, APP)
    t = await openFaultCore(hs)
    const { jobId } = await t.call('apps.install', { serverId: 'home', source: { compose: COMPOSE }, name: APP, values: {} })
    expect((await t.finishedJob(jobId, 60_000))?.state).toBe('succeeded')
  })

  afterAll(async () => {
    await swapHostKey('original').catch(() => undefined)
    await t?.close()
    await resetApp(hs, APP)
  })

  it('resumes after the cut from the last line delivered: no repeats, no gaps', { timeout: 60_000 }, async () => {
    const { streamId } = await t.call('apps.logsFollow', { serverId: 'home', app: APP, tail: 5, timestamps: false })
    await waitUntil(() => ticks(t.of('apps.logs'), streamId).length > 10, 10_000)
    await killSshConnections()
    await sleep(1500)
    const before = ticks(t.of('apps.logs'), streamId).length
    await waitUntil(() => ticks(t.of('apps.logs'), streamId).length > before + 20, 15_000)
    await t.call('apps.logsStop', { streamId })
    const events = t.of('apps.logs').filter((e) => e.streamId === streamId)
    const seen = ticks(events, streamId)
    expect(events.some((e) => e.reconnecting)).toBe(true)
    // Once it follows again it says so, so a window can take its "reconnecting" indicator down.
    const cut = events.findIndex((e) => e.reconnecting === true)
    expect(events.findIndex((e, i) => i > cut && e.reconnecting === false)).toBeGreaterThan(cut)
    expect(events.some((e) => e.ended)).toBe(false)
    expect(seen.length).toBeGreaterThan(before + 20)
    // Consecutive numbers from the first line to the last: nothing twice, nothing lost across the cut.
    expect(seen).toEqual(Array.from({ length: seen.length }, (_, i) => seen[0] + i))
  })

  it('ends with the error, not as if the app stopped, when the server cannot be reached again', { timeout: 60_000 }, async () => {
    const { streamId } = await t.call('apps.logsFollow', { serverId: 'home', app: APP, tail: 1, timestamps: false })
    await waitUntil(() => ticks(t.of('apps.logs'), streamId).length > 3, 10_000)
    await swapHostKey('alternate')
    await waitUntil(() => t.of('apps.logs').some((e) => e.streamId === streamId && e.ended), 30_000)
    const end = t.of('apps.logs').find((e) => e.streamId === streamId && e.ended)
    expect(end?.error?.code).toBe('HOST_KEY_MISMATCH')
  })
})
