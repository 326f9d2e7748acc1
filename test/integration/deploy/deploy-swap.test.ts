// Deploys through the assembled core against the test home server: real builds on its engine (Dockerfile FROM
// the test registry's httpd image), the real Caddy proxy driven through its admin socket over the SSH
// connection, and a loop of HTTP requests through the app's port on the server while versions swap. Every
// outcome is read on the server: the containers, the proxy's config, what the port answers.

import http from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DeployJobResult, JobDto } from '../../../shared/contract/index.js'
import { docker, useHomeServer } from '../../homeserver/helpers.js'
import type { TestCore } from '../core/test-core.js'
import { deployJob, get, loadLoop, openDeployCore, type Project, removeDeployLeftovers, testProject, versionContainersOnServer } from './deploy-fixture.js'

const hs = useHomeServer()
const SERVER = 'home'
const APP = 'hpdeploy-swap'
const PORT = 18731
const PROXY = 'homeport-proxy-deploy-swap'
let t: TestCore
let project: Project

const deploy = (): Promise<JobDto> => deployJob(t, project.dir)

function result(job: JobDto): DeployJobResult {
  expect(job.error, JSON.stringify(job.error)).toBeUndefined()
  expect(job.state).toBe('succeeded')
  return job.result as DeployJobResult
}

beforeAll(async () => {
  t = await openDeployCore(hs, SERVER, PROXY)
  project = testProject(hs, `app: ${APP}\nserver: ${SERVER}\nport: ${PORT}\nhealth:\n  path: /health\n  timeout: 10\n`)
}, 300_000)

afterAll(async () => {
  await t?.close()
  project?.dispose()
  await removeDeployLeftovers(hs, [APP], PROXY)
}, 120_000)

describe('deploy: build on the server, health-gated swap through the proxy, rollback', { timeout: 300_000 }, () => {
  it('deploys a first version: built on the server, served on its port through the proxy', async () => {
    const first = result(await deploy())
    expect(first).toMatchObject({ app: APP, port: PORT, kind: 'build' })
    expect(first.previous).toBeUndefined()
    expect((await get(PORT)).body).toBe('v1')
    expect(await versionContainersOnServer(APP)).toEqual([{ name: `homeport-deploy-${APP}-${first.version}`, state: 'running' }])
    // The proxy publishes the port; the version publishes none.
    expect(await docker(['port', PROXY])).toContain(`${PORT}/tcp`)
    expect(await docker(['port', `homeport-deploy-${APP}-${first.version}`])).toBe('')
  })

  it('swaps to a changed version under load with no failed request; the old one is stopped and kept', async () => {
    const before = await t.call('deploy.history', { serverId: SERVER, app: APP })
    project.write('v2')
    const load = loadLoop(PORT)
    const second = result(await deploy())
    await expect.poll(async () => (await get(PORT)).body, { timeout: 30_000 }).toBe('v2')
    await load.stop()
    expect(load.failures).toEqual([])
    expect(load.requests).toBeGreaterThan(10)
    expect(load.seen).toEqual(['v1', 'v2'])
    expect(second.previous).toBe(before.current)
    expect(await versionContainersOnServer(APP)).toEqual([
      { name: `homeport-deploy-${APP}-${before.current}`, state: 'exited' },
      { name: `homeport-deploy-${APP}-${second.version}`, state: 'running' },
    ])
  })

  it('keeps the old version serving when the new one fails its health check, and fails with its log', async () => {
    const serving = (await t.call('deploy.history', { serverId: SERVER, app: APP })).current
    project.write('v3-broken', { healthy: false })
    const load = loadLoop(PORT)
    const job = await deploy()
    await load.stop()
    expect(job.state).toBe('failed')
    expect(job.error?.code).toBe('HEALTH_CHECK_FAILED')
    expect(job.error?.message).toContain(`${serving} keeps serving`)
    // busybox httpd's own log lines of the refused health requests.
    expect(job.error?.details).toContain('url:/health')
    expect(job.error?.details).toContain('response:404')
    expect(load.failures).toEqual([])
    expect(load.seen).toEqual(['v2'])
    expect((await get(PORT)).body).toBe('v2')
    // The failed version's container and image are gone.
    expect((await versionContainersOnServer(APP)).map((c) => c.name)).not.toContainEqual(expect.stringContaining('v3'))
    expect((await versionContainersOnServer(APP)).length).toBe(2)
  })

  it('rolls back to the version before through the same gate, under load, with no failed request', async () => {
    const history = await t.call('deploy.history', { serverId: SERVER, app: APP })
    expect(history.versions.map((v) => v.serving)).toEqual([true, false])
    const load = loadLoop(PORT)
    const { jobId } = await t.call('deploy.rollback', { serverId: SERVER, app: APP })
    const back = result(await t.finishedJob(jobId))
    await load.stop()
    expect(back).toMatchObject({ kind: 'rollback', version: history.versions[1]!.version, previous: history.current })
    expect(load.failures).toEqual([])
    expect(load.seen).toEqual(['v2', 'v1'])
    expect((await get(PORT)).body).toBe('v1')
    const after = await t.call('deploy.history', { serverId: SERVER, app: APP })
    expect(after.current).toBe(history.versions[1]!.version)
    const running = (await versionContainersOnServer(APP)).filter((c) => c.state === 'running')
    expect(running).toEqual([{ name: `homeport-deploy-${APP}-${after.current}`, state: 'running' }])
  })

  it("drops no connection on the app's port while the proxy loads its config again and again", async () => {
    // Every config load (a swap, another app's first deploy) makes Caddy bind its listeners anew. A fresh
    // connection per admin request: Caddy may close an idle one on its admin socket across a load.
    const socketPath = `/home/${hs.user}/.local/share/homeport/proxy/${PROXY}/admin.sock`
    const patch = (value: string) =>
      new Promise<number>((resolve, reject) => {
        const body = JSON.stringify(value)
        const req = http.request({ socketPath, agent: false, method: 'PATCH', path: '/config/apps/http/grace_period', setHost: false, headers: { Host: '', 'Content-Type': 'application/json', 'Content-Length': body.length } }, (res) => {
          res.resume().on('end', () => resolve(res.statusCode ?? 0))
        })
        req.on('error', reject)
        req.end(body)
      })
    const load = loadLoop(PORT, 8)
    const statuses: number[] = []
    for (let i = 0; i < 40; i++) statuses.push(await patch(i % 2 ? '60s' : '61s'))
    await load.stop()
    expect(statuses.every((s) => s === 200)).toBe(true)
    expect(load.requests).toBeGreaterThan(40)
    expect(load.failures).toEqual([])
    expect(load.seen).toEqual(['v1'])
  })

  it('refuses a rollback to a version it does not keep, naming the kept ones', async () => {
    const { jobId } = await t.call('deploy.rollback', { serverId: SERVER, app: APP, version: '20000101-000000' })
    const job = await t.finishedJob(jobId)
    expect(job.error?.code).toBe('NOT_FOUND')
    expect(job.error?.message).toContain('kept:')
    expect((await get(PORT)).body).toBe('v1')
    const bad = await t.refused('deploy.rollback', { serverId: SERVER, app: APP, version: 'latest; rm -rf /' })
    expect(bad.code).toBe('INVALID_INPUT')
  })

  it('keeps only the last 3 versions: older containers and images are removed on the server', async () => {
    for (const page of ['v4', 'v5', 'v6']) {
      project.write(page)
      result(await deploy())
    }
    expect((await get(PORT)).body).toBe('v6')
    const history = await t.call('deploy.history', { serverId: SERVER, app: APP })
    expect(history.versions).toHaveLength(3)
    expect(history.versions[0]).toMatchObject({ serving: true, version: history.current })
    const onServer = await versionContainersOnServer(APP)
    expect(onServer.map((c) => c.name).sort()).toEqual(history.versions.map((v) => `homeport-deploy-${APP}-${v.version}`).sort())
    const images = (await docker(['images', '--format', '{{.Tag}}', `homeport-deploy/${APP}`])).split('\n').filter(Boolean).sort()
    expect(images).toEqual(history.versions.map((v) => v.version).sort())
  })
})
