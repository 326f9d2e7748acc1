// Wraps a `docker system dial-stdio` exec channel as a socket-like Duplex. The channel's stdout EOF arrives
// before the exit status, so a failing docker CLI would otherwise surface as a bare "socket hang up"; here the
// end of the stream waits for the channel to close and, on a non-zero exit, fails with what the CLI said.

import { Duplex } from 'node:stream'
import type { ClientChannel } from 'ssh2'
import { HomeportError } from '../../../shared/errors.js'
import { channelExit } from '../connection/exec.js'

const MAX_STDERR = 4096

export function dialStdioError(stderr: string, exitCode: number | undefined, serverName: string): HomeportError {
  const details = `docker system dial-stdio exited ${exitCode ?? 'without status'}: ${stderr.trim()}`
  if (/permission denied/i.test(stderr)) {
    return new HomeportError('DOCKER_PERMISSION', `The SSH user on ${serverName} may not use Docker.`, { details })
  }
  if (/cannot connect to the docker daemon|connection refused|no such file or directory/i.test(stderr)) {
    return new HomeportError('DOCKER_DOWN', `Docker's engine on ${serverName} is not answering.`, { details })
  }
  if (exitCode === 127 || /not found/i.test(stderr)) {
    return new HomeportError('DOCKER_NOT_INSTALLED', `The docker command was not found on ${serverName}.`, { details })
  }
  return new HomeportError('DOCKER_ERROR', `docker system dial-stdio failed on ${serverName}.`, { details })
}

export class DialStdioStream extends Duplex {
  private readonly channel: ClientChannel
  private stderr = ''

  constructor(channel: ClientChannel, serverName: string) {
    super({ allowHalfOpen: true })
    this.channel = channel
    channel.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) channel.pause()
    })
    channel.stderr.on('data', (chunk: Buffer) => {
      if (this.stderr.length < MAX_STDERR) this.stderr += chunk.toString('utf8')
    })
    channel.on('error', (err: Error) => this.destroy(err))
    // The exit comes from where it was caught as the channel opened: a dial-stdio that fails at once sends
    // its whole reply in one go, dispatched before this constructor runs.
    void channelExit(channel).then(({ code }) => {
      if (code !== undefined && code !== 0) this.destroy(dialStdioError(this.stderr, code, serverName))
      else this.push(null)
    })
  }

  override _read(): void {
    this.channel.resume()
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    this.channel.write(chunk, encoding, callback)
  }

  override _final(callback: (err?: Error | null) => void): void {
    this.channel.end()
    callback()
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.channel.destroy()
    callback(err)
  }
}
