// Live container lists from Docker's event stream through the tunnel, including after the SSH connection
// is cut on the server side and comes back.

import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ContainerDto } from '../../../shared/contract/index.js'
import { DockerService } from '../../../electron/core/docker/docker-service.js'
import { docker, removeTestContainers, useHomeServer } from '../../homeserver/helpers.js'
import { killSshConnections } from '../../homeserver/helpers.js'
import { openTestSession, type TestSession } from './test-session.js'

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

describe('watchContainers', () => {
  let ssh: TestSession
  let service: DockerService

  beforeAll(async () => {
    ssh = await openTestSession(info)
    service = new DockerService(ssh.session, { serverName: 'home' })
  })
  afterAll(async () => {
    service?.close()
    await ssh?.close()
    await removeTestContainers(prefix)
  })

  it('pushes a list with a container started by docker run, then with it stopped', async () => {
    const recorder = new ListRecorder()
    const unsubscribe = await service.watchContainers(recorder.onChange)
    try {
      const name = `${prefix}runstop`
      const started = recorder.next((l) => stateOf(l, name) === 'running', `${name} running`)
      await docker(['run', '-d', '--name', name, info.images[0], '/bin/busybox', 'sleep', '600'])
      await started

      const stopped = recorder.next((l) => stateOf(l, name) === 'exited', `${name} exited`)
      await docker(['stop', '-t', '0', name])
      await stopped
    } finally {
      unsubscribe()
    }
  })

  it('stops pushing after unsubscribe', async () => {
    const recorder = new ListRecorder()
    const unsubscribe = await service.watchContainers(recorder.onChange)
    const name = `${prefix}first`
    const seen = recorder.next((l) => stateOf(l, name) === 'running', `${name} running`)
    await docker(['run', '-d', '--name', name, info.images[0], '/bin/busybox', 'sleep', '600'])
    await seen
    unsubscribe()
    const pushed = recorder.lists.length

    // A second watcher proves the later event was emitted and delivered; the first one got nothing more.
    const witness = new ListRecorder()
    const stopWitness = await service.watchContainers(witness.onChange)
    const later = `${prefix}later`
    const witnessed = witness.next((l) => stateOf(l, later) === 'running', `${later} running`)
    await docker(['run', '-d', '--name', later, info.images[0], '/bin/busybox', 'sleep', '600'])
    await witnessed
    stopWitness()
    expect(recorder.lists).toHaveLength(pushed)
  })

  it('keeps watching after the SSH connection is cut on the server and comes back', async () => {
    const recorder = new ListRecorder()
    const errors: unknown[] = []
    const unsubscribe = await service.watchContainers(recorder.onChange, (err) => errors.push(err))
    try {
      const reconnected = new Promise<void>((resolve) => ssh.session.once('reconnected', () => resolve()))
      expect(await killSshConnections()).toBeGreaterThan(0)
      await reconnected

      const name = `${prefix}after-reconnect`
      const started = recorder.next((l) => stateOf(l, name) === 'running', `${name} running`)
      await docker(['run', '-d', '--name', name, info.images[0], '/bin/busybox', 'sleep', '600'])
      await started
      // And plain calls work on the new connection too.
      expect((await service.listContainers()).map((c) => c.name)).toContain(name)
    } finally {
      unsubscribe()
    }
  })
})
