// Interactive terminals, driven by id: a hijacked Docker exec with a TTY in a container, or an SSH pty on the
// server itself, both channels of the server's one connection. Output is pushed as events by id, input and
// resizes come back by id, so no stream or callback crosses the bridge.

import { randomUUID } from 'node:crypto'
import type { Duplex } from 'node:stream'
import type { ClientChannel } from 'ssh2'
import { HomeportError } from '../../../shared/errors.js'
import type { SshSession } from '../connection/types.js'
import type { Docker } from '../docker/docker-access.js'

interface Size {
  cols: number
  rows: number
}

/** What one open terminal is, whatever carries it. */
interface Terminal {
  owner: string
  stream: Duplex
  resize(size: Size): Promise<void>
  /** The shell's exit code, once the stream has closed. */
  exitCode(): Promise<number | undefined>
}

/** Prefer bash when the image has it; PATH is set because minimal images may define none. */
const DEFAULT_SHELL = ['/bin/sh', '-c', 'export PATH="${PATH:-/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin}"; command -v bash >/dev/null 2>&1 && exec bash || exec sh']

/** A pty with the user's login shell; a refused open (sshd's MaxSessions) is tried again, as exec channels are. */
async function openShell(session: SshSession, size: Size): Promise<ClientChannel> {
  for (let attempt = 1; ; attempt++) {
    const client = await session.ready()
    try {
      return await new Promise<ClientChannel>((resolve, reject) => {
        client.shell({ term: 'xterm-256color', cols: size.cols, rows: size.rows }, (err, channel) => (err ? reject(err) : resolve(channel)))
      })
    } catch (err) {
      if (typeof (err as { reason?: unknown }).reason !== 'number' || attempt >= 4) {
        throw new HomeportError('COMMAND_FAILED', 'The server did not open a shell.', { hint: 'Check that the SSH user has a login shell and that sshd allows a terminal (PermitTTY).', details: (err as Error).message })
      }
      await new Promise((r) => setTimeout(r, 25 * attempt))
    }
  }
}

export class Terminals {
  private readonly open = new Map<string, Terminal>()

  constructor(
    private readonly onOutput: (terminalId: string, data: string) => void,
    private readonly onExit: (terminalId: string, code?: number) => void,
  ) {}

  /** A shell (or `command`) in a running container; `owner` is the front end whose going away closes it. */
  async start(docker: Docker, containerId: string, size: Size, owner: string, command?: string[]): Promise<string> {
    const exec = await docker.getContainer(containerId).exec({
      Cmd: command?.length ? command : DEFAULT_SHELL,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
      Env: ['TERM=xterm-256color'],
    })
    const stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as unknown as Duplex
    const id = this.add({
      owner,
      stream,
      resize: async ({ cols, rows }) => void (await exec.resize({ h: rows, w: cols })),
      exitCode: () => exec.inspect().then((info) => info.ExitCode ?? undefined, () => undefined),
    })
    await exec.resize({ h: size.rows, w: size.cols }).catch(() => {})
    return id
  }

  /** The SSH user's login shell on the server itself, in a pty of this size. */
  async startHost(session: SshSession, size: Size, owner: string): Promise<string> {
    const channel = await openShell(session, size)
    let code: number | undefined
    channel.on('exit', (c: number | null) => {
      if (typeof c === 'number') code = c
    })
    // sshd may send the end of output before the exit status: the code is read once the channel has closed.
    const closed = new Promise<void>((resolve) => channel.once('close', () => resolve()))
    // The pty merges stderr into stdout; whatever still arrives on stderr is shown all the same.
    channel.stderr.on('data', (chunk: Buffer) => this.onOutput(id, chunk.toString('utf8')))
    const id = this.add({
      owner,
      stream: channel,
      resize: async ({ cols, rows }) => void channel.setWindow(rows, cols, 0, 0),
      exitCode: () => closed.then(() => code),
    })
    return id
  }

  private add(terminal: Terminal): string {
    const id = randomUUID()
    this.open.set(id, terminal)
    terminal.stream.on('data', (chunk: Buffer) => this.onOutput(id, chunk.toString('utf8')))
    terminal.stream.on('close', () => this.finish(id))
    terminal.stream.on('end', () => this.finish(id))
    terminal.stream.on('error', () => this.finish(id))
    return id
  }

  private finish(id: string): void {
    const t = this.open.get(id)
    if (!t) return
    this.open.delete(id)
    void t.exitCode().then((code) => this.onExit(id, code))
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
    await this.get(id).resize({ cols, rows })
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
