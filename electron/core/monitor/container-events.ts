// Follows Docker's event stream for the container events the alert rules need, through the server's SSH
// tunnel (one long-lived channel). The stream is reopened with a backoff when it ends while the monitor
// runs; the monitor itself stops it when the connection drops and starts a new one when it is back.

import type { Docker } from '../docker/docker-access.js'
import type { ContainerEventLite } from '../alerts/container-rules.js'

const ACTIONS = ['die', 'stop', 'destroy', 'start', 'oom', 'health_status']
const RETRY_MS = [1000, 2000, 5000, 10_000, 30_000]

interface DockerEventMessage {
  Type?: string
  Action?: string
  Actor?: { ID?: string; Attributes?: Record<string, string> }
}

/** One line of Docker's event stream, or undefined for anything but a container event. */
export function parseEvent(line: string): ContainerEventLite | undefined {
  let msg: DockerEventMessage
  try {
    msg = JSON.parse(line) as DockerEventMessage
  } catch {
    return undefined
  }
  if (msg.Type !== 'container' || !msg.Action || !msg.Actor?.ID) return undefined
  const attributes = msg.Actor.Attributes ?? {}
  const exitCode = attributes.exitCode !== undefined ? Number(attributes.exitCode) : undefined
  return {
    action: msg.Action,
    id: msg.Actor.ID,
    name: attributes.name ?? msg.Actor.ID.slice(0, 12),
    labels: attributes,
    ...(exitCode !== undefined && Number.isInteger(exitCode) ? { exitCode } : {}),
  }
}

export class ContainerEvents {
  private stream: (NodeJS.ReadableStream & { destroy?: () => void }) | undefined
  private active = false
  private retries = 0
  private retryTimer: NodeJS.Timeout | undefined

  constructor(
    private readonly docker: () => Promise<Docker>,
    private readonly onEvent: (ev: ContainerEventLite) => void,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Resolves once the stream is open, so every later event is seen. */
  async start(): Promise<void> {
    this.active = true
    await this.open()
  }

  private async open(): Promise<void> {
    const docker = await this.docker()
    const stream = (await docker.getEvents({ filters: { type: ['container'], event: ACTIONS } })) as NodeJS.ReadableStream & { destroy?: () => void }
    if (!this.active) return void stream.destroy?.()
    this.stream = stream
    this.retries = 0
    let buffered = ''
    stream.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8')
      let nl: number
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const ev = parseEvent(buffered.slice(0, nl))
        buffered = buffered.slice(nl + 1)
        if (ev) this.onEvent(ev)
      }
    })
    const gone = () => {
      if (this.stream !== stream) return
      this.stream = undefined
      this.retryLater()
    }
    stream.on('error', gone)
    stream.on('end', gone)
    stream.on('close', gone)
  }

  private retryLater(): void {
    if (!this.active || this.retryTimer) return
    const delay = RETRY_MS[Math.min(this.retries++, RETRY_MS.length - 1)]
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined
      if (!this.active) return
      this.open().catch((err: unknown) => {
        this.onError(err)
        this.retryLater()
      })
    }, delay)
  }

  stop(): void {
    this.active = false
    clearTimeout(this.retryTimer)
    this.retryTimer = undefined
    const stream = this.stream
    this.stream = undefined
    stream?.removeAllListeners('data')
    stream?.destroy?.()
  }
}
