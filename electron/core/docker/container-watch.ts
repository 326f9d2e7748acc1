// Keeps container lists live from Docker's `/events` stream (type=container) through the tunnel. Each event
// names one container: a `destroy` goes out at once as a removal (never behind reads in flight, so a burst of
// `docker rm` shows as it happens), anything else that can change its row reads just that container again (one
// filtered list call for all the containers named while the previous call ran), and the result goes out as a
// patch. The whole list is read only when the watch starts and after the SSH connection comes back,
// since events during the outage were missed: at 1,000 containers a full list costs Docker a second or more.

import type Docker from 'dockerode'
import type { ContainerDto } from '../../../shared/contract/index.js'
import type { HomeportError } from '../../../shared/errors.js'
import type { SshSession } from '../connection/types.js'
import { containerEventReader, type ContainerEventEffect } from './container-list-events.js'

export interface ContainersPatch {
  changed: ContainerDto[]
  removed: string[]
}

export interface ContainersListener {
  /** The whole list, after a reconnect. */
  list(containers: ContainerDto[]): void
  /** The containers Docker's events named since the last patch. */
  patch(patch: ContainersPatch): void
  error?(err: HomeportError): void
}

export interface ContainerWatchDeps {
  session: SshSession
  docker: () => Promise<Docker>
  list: () => Promise<ContainerDto[]>
  /** The listed containers among `ids` (those gone are left out). */
  listByIds: (ids: string[]) => Promise<ContainerDto[]>
  toError: (err: unknown) => HomeportError
}

const RETRY_DELAYS_MS = [500, 1000, 2000, 5000, 10_000]
// Docker takes a filter of many ids in one call; beyond this the query string grows past what proxies like.
const IDS_PER_CALL = 100

export class ContainerWatch {
  private readonly deps: ContainerWatchDeps
  private readonly subscribers = new Set<ContainersListener>()
  private stream: NodeJS.ReadableStream | undefined
  private generation = 0
  private active = false
  private retryTimer: NodeJS.Timeout | undefined
  private retries = 0
  /** Containers named by events and not yet read again, in the order they were named. */
  private readonly stale = new Set<string>()
  /** Containers destroyed and not yet sent as removed. */
  private readonly gone = new Set<string>()
  /** Containers destroyed since the read in flight began: what it returns of them is out of date. */
  private readonly goneWhileReading = new Set<string>()
  private patching = false
  private readonly onReconnected = (): void => {
    if (!this.active) return
    this.resubscribe()
  }
  private readonly onClosed = (): void => this.stop()

  constructor(deps: ContainerWatchDeps) {
    this.deps = deps
  }

  get watching(): boolean {
    return this.active
  }

  /** Resolves once the events stream is open, so anything that happens afterwards is reported. */
  async add(subscriber: ContainersListener): Promise<() => void> {
    this.subscribers.add(subscriber)
    if (!this.active) {
      this.active = true
      this.deps.session.on('reconnected', this.onReconnected)
      this.deps.session.on('closed', this.onClosed)
      try {
        await this.subscribe()
      } catch (err) {
        this.subscribers.delete(subscriber)
        this.stop()
        throw this.deps.toError(err)
      }
    }
    return () => {
      this.subscribers.delete(subscriber)
      if (this.subscribers.size === 0) this.stop()
    }
  }

  stop(): void {
    this.active = false
    this.generation++
    this.subscribers.clear()
    this.stale.clear()
    this.gone.clear()
    this.goneWhileReading.clear()
    clearTimeout(this.retryTimer)
    this.retryTimer = undefined
    this.dropStream()
    this.deps.session.off('reconnected', this.onReconnected)
    this.deps.session.off('closed', this.onClosed)
  }

  private dropStream(): void {
    const stream = this.stream as (NodeJS.ReadableStream & { destroy?: () => void }) | undefined
    this.stream = undefined
    stream?.removeAllListeners('data')
    stream?.destroy?.()
  }

  private async subscribe(): Promise<void> {
    const generation = ++this.generation
    this.dropStream()
    const docker = await this.deps.docker()
    const stream = await docker.getEvents({ filters: { type: ['container'] } })
    const destroyable = stream as NodeJS.ReadableStream & { destroy?: () => void }
    if (generation !== this.generation || !this.active) {
      destroyable.destroy?.()
      return
    }
    this.stream = stream
    this.retries = 0
    stream.on('data', containerEventReader((effect) => this.note(effect)))
    const onGone = (): void => {
      if (generation === this.generation && this.active) this.retryLater()
    }
    stream.on('error', onGone)
    stream.on('end', onGone)
    stream.on('close', onGone)
  }

  private resubscribe(): void {
    clearTimeout(this.retryTimer)
    this.retryTimer = undefined
    this.subscribe().then(
      () => this.sendList(),
      (err: unknown) => {
        this.report(err)
        this.retryLater()
      },
    )
  }

  private retryLater(): void {
    this.generation++
    this.dropStream()
    if (this.retryTimer || !this.active) return
    const delay = RETRY_DELAYS_MS[Math.min(this.retries, RETRY_DELAYS_MS.length - 1)]
    this.retries++
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined
      if (this.active) this.resubscribe()
    }, delay)
  }

  private note({ id, effect }: ContainerEventEffect): void {
    if (!this.active) return
    if (effect === 'removed') {
      // A container named for a read and then destroyed is simply gone.
      this.stale.delete(id)
      this.goneWhileReading.add(id)
      if (this.gone.size === 0) setImmediate(() => this.sendRemovals())
      this.gone.add(id)
      return
    }
    this.stale.add(id)
    if (!this.patching) setImmediate(() => void this.sendPatches())
  }

  /** The containers destroyed since the last call, as one patch. */
  private sendRemovals(): void {
    if (!this.active || this.gone.size === 0) return
    const removed = [...this.gone]
    this.gone.clear()
    for (const s of [...this.subscribers]) s.patch({ changed: [], removed })
  }

  /** Reads the containers named since the last call and sends them as one patch; again while more were named. */
  private async sendPatches(): Promise<void> {
    if (this.patching) return
    this.patching = true
    const generation = this.generation
    try {
      while (this.stale.size > 0 && this.active && generation === this.generation) {
        const toRead = [...this.stale]
        this.stale.clear()
        this.goneWhileReading.clear()
        const read: ContainerDto[] = []
        for (let i = 0; i < toRead.length; i += IDS_PER_CALL) read.push(...(await this.deps.listByIds(toRead.slice(i, i + IDS_PER_CALL))))
        // Destroyed while being read: its removal went out already, the row read would bring it back.
        const changed = read.filter((c) => !this.goneWhileReading.has(c.id))
        // Named by an event but no longer listed: removed before it could be read.
        const found = new Set(read.map((c) => c.id))
        const removed = toRead.filter((id) => !found.has(id) && !this.goneWhileReading.has(id))
        if (!changed.length && !removed.length) continue
        if (this.active && generation === this.generation) for (const s of [...this.subscribers]) s.patch({ changed, removed })
      }
    } catch (err) {
      this.report(err)
      // What could not be read is read with the whole list instead.
      this.stale.clear()
      if (this.active && generation === this.generation) void this.sendList()
    } finally {
      this.patching = false
      // Named while a reconnect cut the loop short.
      if (this.stale.size > 0 && this.active) setImmediate(() => void this.sendPatches())
    }
  }

  private async sendList(): Promise<void> {
    try {
      const containers = await this.deps.list()
      if (this.active) for (const s of [...this.subscribers]) s.list(containers)
    } catch (err) {
      this.report(err)
    }
  }

  private report(err: unknown): void {
    const error = this.deps.toError(err)
    for (const s of [...this.subscribers]) s.error?.(error)
  }
}
