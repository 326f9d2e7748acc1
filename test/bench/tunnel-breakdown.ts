// `npx tsx test/bench/tunnel-breakdown.ts`: where a container-list call through the tunnel spends its time.
// Splits the call into layers, each measured next to its local counterpart in the same run:
//   echo      a 64-byte round trip to a unix-socket echo server: local, and through a stream-local channel
//             (the pure SSH transport: ssh2 framing + crypto, sshd's relay, loopback TCP)
//   http      GET /containers/json with plain node:http (keep-alive agent), no docker-modem
//   dockerode listContainers, as the tunnel benchmark measures it
// and the transport variants worth trying: cipher (AES-GCM vs chacha20-poly1305 vs AES-CTR), Nagle on/off,
// and whether keep-alive really reuses one channel (channels opened per call are counted).

import Docker from 'dockerode'
import http from 'node:http'
import { createServer, connect, type Socket } from 'node:net'
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Duplex } from 'node:stream'
import { Client, type ConnectConfig } from 'ssh2'
import { TunnelAgent } from '../../electron/core/docker/tunnel-agent.js'
import type { HomeServerInfo } from '../homeserver/types.js'
import { runBench } from './bench-homeserver.js'
import { formatMs, median, percentile, sample, table, type TimedRow } from './bench-stats.js'

const CALLS = Number(process.env.HOMEPORT_BENCH_CALLS ?? 300)
const PAYLOAD = Buffer.alloc(64, 120)

function connectSsh(info: HomeServerInfo, extra: Partial<ConnectConfig>, noDelay: boolean): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client()
    client.once('ready', () => {
      if (noDelay) client.setNoDelay(true)
      resolve(client)
    })
    client.once('error', reject)
    client.connect({ host: info.host, port: info.sshPort, username: info.user, privateKey: readFileSync(info.keys.ed25519), hostVerifier: () => true, ...extra })
  })
}

function openChannel(client: Client, path: string): Promise<Duplex> {
  return new Promise((resolve, reject) => client.openssh_forwardOutStreamLocal(path, (err, ch) => (err ? reject(err) : resolve(ch))))
}

/** One echo round trip on an open stream: write 64 bytes, resolve when 64 came back. */
function echoOnce(stream: Duplex): Promise<void> {
  return new Promise((resolve) => {
    let got = 0
    const onData = (chunk: Buffer) => {
      got += chunk.length
      if (got >= PAYLOAD.length) {
        stream.off('data', onData)
        resolve()
      }
    }
    stream.on('data', onData)
    stream.write(PAYLOAD)
  })
}

function httpGet(agent: http.Agent, socketPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.get({ agent, socketPath, path: '/containers/json?all=1', headers: { Host: 'docker' } }, (res) => {
      res.on('data', () => {})
      res.on('end', () => resolve())
    })
    req.on('error', reject)
  })
}

async function main(info: HomeServerInfo): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'homeport-tunnel-breakdown-'))
  chmodSync(dir, 0o755)
  const echoPath = join(dir, 'echo.sock')
  const echo = createServer((s: Socket) => s.pipe(s))
  await new Promise<void>((resolve) => echo.listen(echoPath, resolve))
  chmodSync(echoPath, 0o777)
  const rows: TimedRow[] = []
  const clients: Client[] = []
  try {
    const local = connect(echoPath)
    await new Promise((resolve) => local.once('connect', resolve))
    local.setNoDelay(true)
    rows.push({ label: 'echo 64 B, local unix socket', times: await sample(CALLS, () => echoOnce(local), 50) })
    local.destroy()

    const variants: Array<[string, Partial<ConnectConfig>, boolean]> = [
      ['aes128-gcm, NoDelay (Homeport)', { algorithms: { cipher: ['aes128-gcm@openssh.com'] } }, true],
      ['aes128-gcm, Nagle on', { algorithms: { cipher: ['aes128-gcm@openssh.com'] } }, false],
      ['chacha20-poly1305, NoDelay', { algorithms: { cipher: ['chacha20-poly1305@openssh.com'] } }, true],
      ['aes128-ctr + hmac-sha2-256-etm, NoDelay', { algorithms: { cipher: ['aes128-ctr'], hmac: ['hmac-sha2-256-etm@openssh.com'] } }, true],
    ]
    for (const [name, extra, noDelay] of variants) {
      const client = await connectSsh(info, extra, noDelay)
      clients.push(client)
      const channel = await openChannel(client, echoPath)
      rows.push({ label: `echo 64 B, tunnel ${name}`, times: await sample(CALLS, () => echoOnce(channel), 50) })
      channel.destroy()
    }

    const directAgent = new http.Agent({ keepAlive: true })
    rows.push({ label: 'http GET, direct socket', times: await sample(CALLS, () => httpGet(directAgent, info.dockerSocket), 20) })
    let opened = 0
    const homeportLike = clients[0]
    const tunnelAgent = new TunnelAgent(() => {
      opened++
      return openChannel(homeportLike, info.dockerSocket)
    })
    rows.push({ label: 'http GET, tunnel', times: await sample(CALLS, () => httpGet(tunnelAgent, info.dockerSocket), 20) })
    const httpChannels = opened

    const direct = new Docker({ socketPath: info.dockerSocket })
    rows.push({ label: 'dockerode list, direct socket', times: await sample(CALLS, () => direct.listContainers({ all: true }), 20) })
    opened = 0
    const viaTunnel = new Docker({ socketPath: info.dockerSocket, agent: tunnelAgent } as Docker.DockerOptions)
    rows.push({ label: 'dockerode list, tunnel', times: await sample(CALLS, () => viaTunnel.listContainers({ all: true }), 20) })
    const dockerodeChannels = opened

    console.log(`\nPer-call latency, ${CALLS} sequential calls each:\n`)
    console.log(table(['what', 'p50', 'p95'], rows.map((r) => [r.label, formatMs(median(r.times)), formatMs(percentile(r.times, 95))])))
    console.log(`\nchannels opened: ${httpChannels} for ${CALLS + 20} plain http calls, ${dockerodeChannels} for ${CALLS + 20} dockerode calls`)
    const p50 = (label: string) => median(rows.find((r) => r.label === label)?.times ?? [])
    console.log(`transport cost per round trip (tunnel echo − local echo): ${formatMs(p50('echo 64 B, tunnel aes128-gcm, NoDelay (Homeport)') - p50('echo 64 B, local unix socket'))}`)
    console.log(`docker-modem cost (dockerode − plain http), direct: ${formatMs(p50('dockerode list, direct socket') - p50('http GET, direct socket'))}, tunnel: ${formatMs(p50('dockerode list, tunnel') - p50('http GET, tunnel'))}\n`)
  } finally {
    for (const c of clients) c.end()
    echo.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

runBench(main)
