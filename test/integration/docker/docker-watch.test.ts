// Live container lists from Docker's event stream through the tunnel, as patches naming only the containers
// that changed, including after the SSH connection is cut on the server side and comes back.

import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { ContainerDto } from '../../../shared/contract/index.js'
import type { ContainersListener, ContainersPatch } from '../../../electron/core/docker/container-watch.js'
import { docker, useHomeServer } from '../../homeserver/helpers.js'
import { cutAndReconnect, useDockerService } from './test-session.js'

const info = useHomeServer()
const prefix = `hp-dwatch-${randomBytes(3).toString('hex')}-`

/** Keeps the list the watch's patches (and whole lists) make, and lets a test wait for one that matches. */
class ListRecorder implements ContainersListener {
  readonly lists: ContainerDto[][] = []
  readonly patches: ContainersPatch[] = []
  private readonly rows = new Map<string, ContainerDto>()
  private waiters: Array<{ match: (l: ContainerDto[]) => boolean; resolve: (l: ContainerDto[]) => void }> = []

  readonly list = (list: ContainerDto[]): void => {
    this.lists.push(list)
    this.rows.clear()
    for (const c of list) this.rows.set(c.id, c)
    this.changed()
  }

  readonly patch = (patch: ContainersPatch): void => {
    this.patches.push(patch)
    for (const id of patch.removed) this.rows.delete(id)
    for (const c of patch.changed) this.rows.set(c.id, c)
    this.changed()
  }

  private changed(): void {
    const list = [...this.rows.values()]
    this.waiters = this.waiters.filter((w) => {
      if (!w.match(list)) return true
      w.resolve(list)
      return false
    })
  }

  /** Waits for a pushed list that satisfies `match` (a deadline against hanging, not a timing assertion). */
  next(match: (l: ContainerDto[]) => boolean, what: string, deadlineMs = 20_000): Promise<ContainerDto[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no container list with ${what} was pushed`)), deadlineMs)
      this.waiters.push({
        match,
        resolve: (l) => {
          clearTimeout(timer)
          resolve(l)
        },
      })
    })
  }
}

const stateOf = (list: ContainerDto[], name: string): string | undefined => list.find((c) => c.name === name)?.state

/** Starts a container with `docker run` on the server and waits until `recorder` gets a list showing it running. */
async function runAndSee(recorder: ListRecorder, name: string): Promise<void> {
  const seen = recorder.next((l) => stateOf(l, name) === 'running', `${name} running`)
  await docker(['run', '-d', '--name', name, info.images[0], '/bin/busybox', 'sleep', '600'])
  await seen
}

describe('watchContainers', () => {
  const docked = useDockerService(info, prefix)

  it('patches in a container started by docker run, then its stop, then its removal: that container only', async () => {
    const recorder = new ListRecorder()
    const unsubscribe = await docked.service.watchContainers(recorder)
    try {
      const name = `${prefix}runstop`
      await runAndSee(recorder, name)
      const id = recorder.patches.flatMap((p) => p.changed).find((c) => c.name === name)!.id

      const stopped = recorder.next((l) => stateOf(l, name) === 'exited', `${name} exited`)
      await docker(['stop', '-t', '0', name])
      await stopped
      const removed = recorder.next((l) => stateOf(l, name) === undefined, `${name} gone`)
      await docker(['rm', name])
      await removed
      // Every patch names this container alone (other files' containers come and go on the same engine, but
      // never in the same moment): the list was never read whole.
      expect(recorder.lists).toHaveLength(0)
      const ours = recorder.patches.filter((p) => p.removed.includes(id) || p.changed.some((c) => c.id === id))
      expect(ours.length).toBeGreaterThanOrEqual(3)
      for (const p of ours) expect([...p.changed.map((c) => c.id), ...p.removed].filter((x) => x === id)).toHaveLength(1)
      expect(ours.at(-1)!.removed).toContain(id)
    } finally {
      unsubscribe()
    }
  })

  it('removes a burst of containers removed while their creation is still being read, and never brings one back', async () => {
    const recorder = new ListRecorder()
    const unsubscribe = await docked.service.watchContainers(recorder)
    try {
      const names = Array.from({ length: 12 }, (_, i) => `${prefix}burst${i}`)
      await Promise.all(names.map((n) => docker(['create', '--name', n, info.images[0], '/bin/busybox', 'sleep', '600'])))
      // Removed at once: their creations' reads are still under way, or still to come.
      await docker(['rm', '-f', ...names])
      // Reads are made one after another: once a later container shows, every read begun before it is done.
      const after = `${prefix}after-burst`
      const seen = recorder.next((l) => stateOf(l, after) === 'running', `${after} running`)
      await docker(['run', '-d', '--name', after, info.images[0], '/bin/busybox', 'sleep', '600'])
      const list = await seen
      expect(list.filter((c) => names.includes(c.name))).toEqual([])
      expect(recorder.lists).toHaveLength(0)
    } finally {
      unsubscribe()
    }
  })

  it('stops pushing after unsubscribe', async () => {
    const recorder = new ListRecorder()
    const unsubscribe = await docked.service.watchContainers(recorder)
    await runAndSee(recorder, `${prefix}first`)
    unsubscribe()
    const pushed = recorder.patches.length

    // A second watcher proves the later event was emitted and delivered; the first one got nothing more.
    const witness = new ListRecorder()
    const stopWitness = await docked.service.watchContainers(witness)
    await runAndSee(witness, `${prefix}later`)
    stopWitness()
    expect(recorder.patches).toHaveLength(pushed)
  })

  it('keeps watching after the SSH connection is cut on the server and comes back', async () => {
    const recorder = new ListRecorder()
    const unsubscribe = await docked.service.watchContainers(recorder)
    try {
      await cutAndReconnect(docked.ssh.session)
      // Events during the cut were missed: the whole list is read once more.
      await expect.poll(() => recorder.lists.length, { timeout: 20_000 }).toBeGreaterThan(0)

      const name = `${prefix}after-reconnect`
      await runAndSee(recorder, name)
      // And plain calls work on the new connection too.
      expect((await docked.service.listContainers()).map((c) => c.name)).toContain(name)
    } finally {
      unsubscribe()
    }
  })
})
