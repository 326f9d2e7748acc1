// Keeps container lists live from Docker's `/events` stream (type=container) through the tunnel. Events come
// in bursts (create, attach, start…), so a refresh waits ~100 ms and serves the whole burst with one list.
// The stream is one long-lived channel; when the SSH connection comes back it is opened again and a fresh
// list is pushed, since events during the outage were missed.

import type Docker from 'dockerode'
import type { ContainerDto } from '../../../shared/contract/index.js'
import type { HomeportError } from '../../../shared/errors.js'
import type { SshSession } from '../connection/types.js'

export type ContainersListener = (containers: ContainerDto[]) => void
export type WatchErrorListener = (err: HomeportError) => void

interface Subscriber {
  onChange: ContainersListener
  onError?: WatchErrorListener
}

export interface ContainerWatchDeps {
  session: SshSession
  docker: () => Promise<Docker>
  list: () => Promise<ContainerDto[]>
  toError: (err: unknown) => HomeportError
  debounceMs?: number
}

const RETRY_DELAYS_MS = [500, 1000, 2000, 5000, 10_000]

export class ContainerWatch {
  private readonly deps: ContainerWatchDeps
  private readonly subscribers = new Set<Subscriber>()
  private stream: NodeJS.ReadableStream | undefined
  private generation = 0
  private active = false
  private refreshTimer: NodeJS.Timeout | undefined
  private retryTimer: NodeJS.Timeout | undefined
  private retries = 0
  private refreshing = false
  private refreshAgain = false
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
  async add(onChange: ContainersListener, onError?: WatchErrorListener): Promise<() => void> {
    const subscriber: Subscriber = { onChange, ...(onError ? { onError } : {}) }
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
    clearTimeout(this.refreshTimer)
    clearTimeout(this.retryTimer)
    this.refreshTimer = undefined
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
    stream.on('data', () => this.scheduleRefresh())
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
      () => this.scheduleRefresh(),
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

  private scheduleRefresh(): void {
    if (this.refreshTimer || !this.active) return
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined
      void this.refresh()
    }, this.deps.debounceMs ?? 100)
  }

  private async refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true
      return
    }
    this.refreshing = true
    try {
      const containers = await this.deps.list()
      if (this.active) for (const s of [...this.subscribers]) s.onChange(containers)
    } catch (err) {
      this.report(err)
    } finally {
      this.refreshing = false
      if (this.refreshAgain) {
        this.refreshAgain = false
        this.scheduleRefresh()
      }
    }
  }

  private report(err: unknown): void {
    const error = this.deps.toError(err)
    for (const s of [...this.subscribers]) s.onError?.(error)
  }
}
