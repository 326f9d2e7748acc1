// A local port forward: a listener on 127.0.0.1:<free port> whose connections become direct-tcpip channels
// on the server's one SSH connection, to host:port as the server sees it. Nothing on the server listens on
// the network for it, and nothing on this computer listens beyond loopback.

import { createServer, type Server, type Socket } from 'node:net'
import type { SshSession } from './types.js'

export interface LocalForward {
  localPort: number
  /** Stops listening and cuts the connections still open. */
  close(): Promise<void>
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const failed = (err: Error) => reject(err)
    server.once('error', failed)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', failed)
      resolve()
    })
  })
}

/** `preferredPort`: the port this forward had before (a bookmark keeps working); a free one if it is taken. */
export async function openLocalForward(session: SshSession, target: { host: string; port: number }, preferredPort?: number): Promise<LocalForward> {
  const sockets = new Set<Socket>()
  const server: Server = createServer((local) => {
    sockets.add(local)
    local.on('close', () => sockets.delete(local))
    // Bytes the browser sends before the channel is open wait in the socket, not in a buffer of ours.
    local.pause()
    session.openTcp(target.host, target.port).then(
      (remote) => {
        local.pipe(remote).pipe(local)
        local.resume()
        const end = () => {
          local.destroy()
          remote.destroy()
        }
        local.on('error', end)
        remote.on('error', end)
        remote.on('close', () => local.destroy())
      },
      () => local.destroy(),
    )
  })
  if (preferredPort === undefined) await listen(server, 0)
  else await listen(server, preferredPort).catch(() => listen(server, 0))
  return {
    localPort: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
