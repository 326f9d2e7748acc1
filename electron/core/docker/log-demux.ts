// Container logs, demultiplexed. Without a TTY Docker frames each write as [stream, 0, 0, 0, size(uint32 BE)]
// + payload; frames split across TCP chunks and lines split across frames, so both are reassembled here.

import type { LogLineDto } from '../../../shared/contract/index.js'
import type { Docker } from './docker-access.js'

export type StreamName = 'stdout' | 'stderr'

export class LogDemuxer {
  private pending: Buffer = Buffer.alloc(0)
  private readonly partial: Record<StreamName, string> = { stdout: '', stderr: '' }

  constructor(
    private readonly tty: boolean,
    private readonly onLine: (stream: StreamName, line: string) => void,
  ) {}

  push(chunk: Buffer): void {
    if (this.tty) return this.text('stdout', chunk.toString('utf8'))
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk
    while (buf.length >= 8) {
      const size = buf.readUInt32BE(4)
      if (buf.length < 8 + size) break
      this.text(buf[0] === 2 ? 'stderr' : 'stdout', buf.toString('utf8', 8, 8 + size))
      buf = buf.subarray(8 + size)
    }
    this.pending = buf
  }

  end(): void {
    for (const s of ['stdout', 'stderr'] as const) {
      if (this.partial[s]) this.onLine(s, this.partial[s])
      this.partial[s] = ''
    }
  }

  private text(stream: StreamName, text: string): void {
    const joined = this.partial[stream] + text
    let start = 0
    for (let i = joined.indexOf('\n'); i !== -1; i = joined.indexOf('\n', start)) {
      this.onLine(stream, joined.charCodeAt(i - 1) === 13 ? joined.slice(start, i - 1) : joined.slice(start, i))
      start = i + 1
    }
    this.partial[stream] = joined.slice(start)
  }
}

export function toLine(service: string, stream: StreamName, raw: string, timestamps: boolean): LogLineDto {
  if (!timestamps) return { service, stream, text: raw }
  const space = raw.indexOf(' ')
  return space > 0 ? { service, stream, time: raw.slice(0, space), text: raw.slice(space + 1) } : { service, stream, text: raw }
}

/** The last `tail` lines of one container, each marked with `service` (an app's service, or the container's name). */
export async function containerLogLines(docker: Docker, id: string, service: string, opts: { tail: number; since?: number; timestamps: boolean }): Promise<LogLineDto[]> {
  const container = docker.getContainer(id)
  const tty = (await container.inspect()).Config.Tty
  const data = (await container.logs({ stdout: true, stderr: true, follow: false, tail: opts.tail, since: opts.since, timestamps: opts.timestamps })) as unknown as Buffer
  const lines: LogLineDto[] = []
  const demux = new LogDemuxer(tty, (stream, raw) => lines.push(toLine(service, stream, raw, opts.timestamps)))
  demux.push(Buffer.isBuffer(data) ? data : Buffer.from(String(data)))
  demux.end()
  return lines
}
