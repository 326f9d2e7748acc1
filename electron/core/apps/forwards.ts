// The open forwards to apps' web pages, one per app and server. Opening and closing are core events
// (`apps.forward`), whoever closes it: a call, the app stopped or removed, the server's SSH session gone
// for good (it gave up reconnecting, or was closed), or the core shutting down. While the session only
// reconnects the forward stays: its connections wait for the session to be back. Reopened, an app's forward
// takes the local port it had before when that port is still free.

import type { ForwardDto, ForwardEvent, ServerStateEvent } from '../../../shared/contract/index.js'
import { openLocalForward, type LocalForward } from '../connection/local-forward.js'
import type { SshSession } from '../connection/types.js'
import type { EventSink } from '../runtime/types.js'

export type CloseReason = NonNullable<ForwardEvent['reason']>

/** Where the page is, as the server sees it, and how its URL looks. */
export interface ForwardTarget {
  host: string
  port: number
  path: string
  scheme: string
}

export interface ForwardsDeps {
  session(serverId: string): Promise<SshSession>
  target(serverId: string, app: string): Promise<ForwardTarget>
  events: EventSink
}

interface OpenForward {
  serverId: string
  dto: ForwardDto
  local: LocalForward
  stopWatching(): void
}

export class Forwards {
  private readonly open = new Map<string, OpenForward>()
  /** The local port each app had, so reopening gives the same URL while Homeport runs (bookmarks keep working). */
  private readonly ports = new Map<string, number>()

  constructor(private readonly deps: ForwardsDeps) {}

  /** The app's forward, opened on first use: every later call gets the same URL until it is closed. */
  async get(serverId: string, app: string): Promise<ForwardDto> {
    const key = `${serverId}/${app}`
    const existing = this.open.get(key)
    if (existing) return existing.dto
    const target = await this.deps.target(serverId, app)
    const session = await this.deps.session(serverId)
    const local = await openLocalForward(session, target, this.ports.get(key))
    const raced = this.open.get(key)
    if (raced) {
      await local.close()
      return raced.dto
    }
    this.ports.set(key, local.localPort)
    const path = target.path.startsWith('/') ? target.path : `/${target.path}`
    const dto: ForwardDto = { app, localPort: local.localPort, url: `${target.scheme}://127.0.0.1:${local.localPort}${path}`, remote: `${target.host}:${target.port}` }
    // 'offline' comes when the session gives up reconnecting or is closed; 'closed' only when it is closed.
    const onState = (event: ServerStateEvent) => {
      if (event.state === 'offline') void this.close(serverId, app, 'connection-lost')
    }
    const onClosed = () => void this.close(serverId, app, 'connection-lost')
    session.on('state', onState)
    session.once('closed', onClosed)
    const stopWatching = () => {
      session.off('state', onState)
      session.off('closed', onClosed)
    }
    this.open.set(key, { serverId, dto, local, stopWatching })
    this.deps.events.emit('apps.forward', { ...dto, serverId, state: 'open' })
    return dto
  }

  async close(serverId: string, app: string, reason: CloseReason = 'closed'): Promise<void> {
    const key = `${serverId}/${app}`
    const forward = this.open.get(key)
    if (!forward) return
    this.open.delete(key)
    forward.stopWatching()
    await forward.local.close()
    this.deps.events.emit('apps.forward', { ...forward.dto, serverId, state: 'closed', reason })
  }

  async closeAll(reason: CloseReason): Promise<void> {
    await Promise.all([...this.open.values()].map((f) => this.close(f.serverId, f.dto.app, reason)))
  }
}
