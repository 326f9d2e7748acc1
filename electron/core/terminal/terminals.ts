// A shell in a container: a hijacked exec with a TTY through the tunnel. Output is pushed as events by id,
// input and resizes come back by id, so no stream or callback crosses the bridge.

import { randomUUID } from 'node:crypto'
import type { Duplex } from 'node:stream'
import { HomeportError } from '../../../shared/errors.js'
import type { Docker } from '../docker/docker-access.js'

interface Terminal {
  exec: Docker.Exec
  stream: Duplex
  owner: string
}

/** Prefer bash when the image has it; PATH is set because minimal images may define none. */
const DEFAULT_SHELL = ['/bin/sh', '-c', 'export PATH="${PATH:-/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin}"; command -v bash >/dev/null 2>&1 && exec bash || exec sh']

export class Terminals {
  private readonly open = new Map<string, Terminal>()

  constructor(
    private readonly onOutput: (terminalId: string, data: string) => void,
    private readonly onExit: (terminalId: string, code?: number) => void,
  ) {}

  /** A shell (or `command`) in a running container; `owner` is the front end whose going away closes it. */
  async start(docker: Docker, containerId: string, size: { cols: number; rows: number }, owner: string, command?: string[]): Promise<string> {
    const exec = await docker.getContainer(containerId).exec({
      Cmd: command?.length ? command : DEFAULT_SHELL,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
      Env: ['TERM=xterm-256color'],
    })
    const stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as unknown as Duplex
    const id = randomUUID()
    this.open.set(id, { exec, stream, owner })
    stream.on('data', (chunk: Buffer) => this.onOutput(id, chunk.toString('utf8')))
    stream.on('close', () => this.finish(id))
    stream.on('end', () => this.finish(id))
    stream.on('error', () => this.finish(id))
    await exec.resize({ h: size.rows, w: size.cols }).catch(() => {})
    return id
  }

  private finish(id: string): void {
    const t = this.open.get(id)
    if (!t) return
    this.open.delete(id)
    t.exec.inspect().then(
      (info) => this.onExit(id, info.ExitCode ?? undefined),
      () => this.onExit(id),
    )
  }

  private get(id: string): Terminal {
    const t = this.open.get(id)
    if (!t) throw new HomeportError('NOT_FOUND', 'That terminal has closed.', { hint: 'Open a new terminal.' })
    return t
  }

  input(id: string, data: string): void {
    this.get(id).stream.write(data)
  }

  async resize(id: string, cols: number, rows: number): Promise<void> {
    await this.get(id).exec.resize({ h: rows, w: cols })
  }

  close(id: string): void {
    const t = this.open.get(id)
    if (!t) return
    t.stream.end()
    t.stream.destroy()
  }

  closeOwnedBy(owner: string): void {
    for (const [id, t] of this.open) if (t.owner === owner) this.close(id)
  }

  closeAll(): void {
    for (const id of [...this.open.keys()]) this.close(id)
  }
}
