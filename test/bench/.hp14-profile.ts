// scratch profiler (not committed): timeline of round trips per action through the latency proxy
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startLatencyProxy } from '../homeserver/latency-proxy.js'
import { RoundTripTally } from '../../electron/core/connection/round-trips.js'
import { openLocalCore } from '../../electron/cli/local-core.js'
import { twoServiceApp } from './wan.bench.js'

const info = JSON.parse(fs.readFileSync('/tmp/hp14/hs.json', 'utf8'))
const ONE_WAY = Number(process.env.ONE_WAY ?? 25)
let t0 = performance.now()
const seen: string[] = []
const orig = RoundTripTally.prototype.record
RoundTripTally.prototype.record = function (this: RoundTripTally & { parent?: unknown }, kind, where, count = 1) {
  if (!(this as unknown as { parent?: unknown }).parent) seen.push(`${String(Math.round(performance.now() - t0)).padStart(6)}  ${kind} ${where}${count > 1 ? ` ×${count}` : ''}`)
  return orig.call(this, kind, where, count)
}
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'hp14-prof-'))
process.env.HOMEPORT_HOME = path.join(home, 'data')
process.env.HOMEPORT_NO_CONTROL = '1'
const proxy = await startLatencyProxy({ targetPort: info.sshPort, oneWayMs: ONE_WAY })
async function action(label: string, fn: (c: Awaited<ReturnType<typeof openLocalCore>> & { ok: true }) => Promise<unknown>) {
  const opened = await openLocalCore({ verbose: false, sampling: false })
  if (!opened.ok) throw new Error(JSON.stringify(opened.error))
  seen.length = 0
  t0 = performance.now()
  const r = await fn(opened as never)
  const ms = performance.now() - t0
  await opened.value.close()
  console.log(`\n=== ${label}: ${Math.round(ms)} ms = ${(ms / (2 * ONE_WAY || 1)).toFixed(1)} RTT, ${seen.length} records`)
  if (process.env.QUIET !== '1') console.log(seen.join('\n'))
  return r
}
const call = async (c: { value: { invoke: Function } }, m: string, input: unknown) => {
  const r = await c.value.invoke(m, input)
  if (!r.ok) throw new Error(JSON.stringify(r.error))
  return r.value
}
const waitJob = async (c: { value: { invoke: Function; on: Function } }, jobId: string) => {
  for (;;) {
    const j = await call(c, 'jobs.get', { id: jobId })
    if (j.state !== 'running') return j
    await new Promise((r) => setTimeout(r, 20))
  }
}
const APPNAME = `hp14-p${process.pid % 10000}`
const compose = twoServiceApp(info.registry)
try {
  await action('add', (c) => call(c, 'servers.add', { name: 'p', host: info.host, port: proxy.port, user: info.user, authMethod: 'key', identityFile: info.keys.ed25519, hostKey: info.hostKeyFingerprint }).catch((e) => console.log(String(e))))
  await action('ps first', (c) => call(c, 'docker.containers', { serverId: 'p', all: true }))
  const only = process.env.ONLY?.split(',')
  const want = (n: string) => !only || only.includes(n)
  if (want('test')) await action('server test', (c) => call(c, 'servers.test', { id: 'p' }))
  if (want('ps')) await action('ps', (c) => call(c, 'docker.containers', { serverId: 'p', all: true }))
  if (want('install')) {
    await action('install', async (c) => { const { jobId } = await call(c, 'apps.install', { serverId: 'p', source: { compose, env: 'ROLE=x\n' }, name: APPNAME, values: {} }); const j = await waitJob(c, jobId); if (j.state !== 'succeeded') console.log(JSON.stringify(j)) })
    if (want('update')) await action('update', async (c) => { const { jobId } = await call(c, 'apps.update', { serverId: 'p', app: APPNAME, env: 'ROLE=y\n' }).catch(async (e) => { console.log(String(e)); return { jobId: '' } }); if (jobId) { const j = await waitJob(c, jobId); if (j.state !== 'succeeded') console.log(JSON.stringify(j)) } })
    if (want('list')) await action('apps list', (c) => call(c, 'apps.list', { serverId: 'p' }))
    await action('remove', async (c) => { const r = await call(c, 'apps.remove', { serverId: 'p', app: APPNAME, volumes: true }); if (r?.jobId) await waitJob(c, r.jobId) })
  }
} catch (e) { console.log('FAILED', e) } finally {
  await proxy.close()
  process.exit(0)
}
