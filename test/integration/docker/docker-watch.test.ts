// Live container lists from Docker's event stream through the tunnel, including after the SSH connection
// is cut on the server side and comes back.

import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { ContainerDto } from '../../../shared/contract/index.js'
import { docker, useHomeServer } from '../../homeserver/helpers.js'
import { cutAndReconnect, useDockerService } from './test-session.js'

const info = useHomeServer()
const prefix = `hp-dwatch-${randomBytes(3).toString('hex')}-`

/** Collects every list the watch pushes and lets a test wait for one that matches. */
class ListRecorder {
  readonly lists: ContainerDto[][] = []
  private waiters: Array<{ match: (l: ContainerDto[]) => boolean; resolve: (l: ContainerDto[]) => void }> = []

  readonly onChange = (list: ContainerDto[]): void => {
    this.lists.push(list)
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

  it('pushes a list with a container started by docker run, then with it stopped', async () => {
    const recorder = new ListRecorder()
    const unsubscribe = await docked.service.watchContainers(recorder.onChange)
    try {
      const name = `${prefix}runstop`
      await runAndSee(recorder, name)

      const stopped = recorder.next((l) => stateOf(l, name) === 'exited', `${name} exited`)
      await docker(['stop', '-t', '0', name])
      await stopped
    } finally {
      unsubscribe()
    }
  })

  it('stops pushing after unsubscribe', async () => {
    const recorder = new ListRecorder()
    const unsubscribe = await docked.service.watchContainers(recorder.onChange)
    await runAndSee(recorder, `${prefix}first`)
    unsubscribe()
    const pushed = recorder.lists.length

    // A second watcher proves the later event was emitted and delivered; the first one got nothing more.
    const witness = new ListRecorder()
    const stopWitness = await docked.service.watchContainers(witness.onChange)
    await runAndSee(witness, `${prefix}later`)
    stopWitness()
    expect(recorder.lists).toHaveLength(pushed)
  })

  it('keeps watching after the SSH connection is cut on the server and comes back', async () => {
    const recorder = new ListRecorder()
    const errors: unknown[] = []
    const unsubscribe = await docked.service.watchContainers(recorder.onChange, (err) => errors.push(err))
    try {
      await cutAndReconnect(docked.ssh.session)

      const name = `${prefix}after-reconnect`
      await runAndSee(recorder, name)
      // And plain calls work on the new connection too.
      expect((await docked.service.listContainers()).map((c) => c.name)).toContain(name)
    } finally {
      unsubscribe()
    }
  })
})
