// An SSH session stand-in for forward tests: its direct-tcpip channel is a plain TCP connection on this
// machine, and it emits the events SshSessionImpl emits ('state', 'closed', 'reconnected').

import { EventEmitter } from 'node:events'
import http from 'node:http'
import net from 'node:net'
import type { SshSession } from '../connection/types.js'

class StandInSession extends EventEmitter {
  readonly serverId = 'srv'
  openTcp(host: string, port: number): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, host, () => resolve(socket))
      socket.once('error', reject)
    })
  }
}

export function standInSession(): SshSession {
  return new StandInSession() as unknown as SshSession
}

/** A page on 127.0.0.1 answering `text`, as an app's web page on the server would. */
export async function servePage(text: string): Promise<{ port: number; close(): Promise<void> }> {
  const page = http.createServer((_req, res) => res.end(text))
  await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve))
  return { port: (page.address() as net.AddressInfo).port, close: () => new Promise((resolve) => page.close(() => resolve())) }
}
