// Followed logs by id: lines go out as `apps.logs` events for the stream id until it is stopped, the
// containers' logs end, or the front end that asked for it goes away. A dropped connection is waited for (up
// to a minute) and the follow resumes where it was; past that, the stream ends with the reason.

import { randomUUID } from 'node:crypto'
import type { LogLineDto } from '../../../shared/contract/index.js'
import type { SshSession } from '../connection/types.js'
import { waitForServer } from '../connection/wait-for-server.js'
import type { Docker } from '../docker/docker-access.js'
import type { EventSink } from '../runtime/types.js'
import { readLogs, type LogOptions } from './app-logs.js'
import { followLogs, type FollowRequest } from './log-follow.js'

export interface LogStreamsDeps {
  docker(serverId: string): Promise<Docker>
  session(serverId: string): Promise<SshSession>
  events: EventSink
  /** How long a cut stream waits for the server before it ends with the reason. */
  reconnectWithinMs?: number
}

export class LogStreams {
  private readonly streams = new Map<string, { controller: AbortController; owner: string }>()

  constructor(private readonly deps: LogStreamsDeps) {}

  async read(serverId: string, app: string, opts: LogOptions): Promise<LogLineDto[]> {
    return readLogs(await this.deps.docker(serverId), app, opts)
  }

  /** `owner`: the front end whose going away stops the stream. */
  async follow(serverId: string, app: string, opts: FollowRequest, owner: string): Promise<{ streamId: string; containers: number }> {
    const streamId = randomUUID()
    const controller = new AbortController()
    this.streams.set(streamId, { controller, owner })
    const session = await this.deps.session(serverId)
    const containers = await followLogs(await this.deps.docker(serverId), app, {
      ...opts,
      signal: controller.signal,
      drained: this.deps.events.drained?.bind(this.deps.events),
      awaitServer: () => waitForServer(session, Date.now() + (this.deps.reconnectWithinMs ?? 60_000), controller.signal),
      onLines: (lines) => this.deps.events.emit('apps.logs', { streamId, lines }),
      onReconnecting: () => this.deps.events.emit('apps.logs', { streamId, lines: [], reconnecting: true }),
      onResumed: () => this.deps.events.emit('apps.logs', { streamId, lines: [], reconnecting: false }),
      onEnd: (error) => {
        this.streams.delete(streamId)
        this.deps.events.emit('apps.logs', { streamId, lines: [], ended: true, ...(error ? { error: error.toJSON() } : {}) })
      },
    }).catch((err) => {
      this.streams.delete(streamId)
      throw err
    })
    return { streamId, containers }
  }

  stop(streamId: string): void {
    this.streams.get(streamId)?.controller.abort()
    this.streams.delete(streamId)
  }

  forgetClient(owner: string): void {
    for (const [id, s] of this.streams) if (s.owner === owner) this.stop(id)
  }

  closeAll(): void {
    for (const id of [...this.streams.keys()]) this.stop(id)
  }
}
