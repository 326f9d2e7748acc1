// The SSH connection cut in the middle of a swap: while the new version is being checked, the connection is
// killed on the server's side (and, in the second case, Homeport itself goes away with it). The old version
// must serve every request throughout, the proxy must never point at a version that did not pass, and the
// next deploy must clean up what the cut left behind: exactly one version running, the one the proxy serves.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DeployJobResult, JobDto } from '../../../shared/contract/index.js'
import { docker, killSshConnections, useHomeServer } from '../../homeserver/helpers.js'
import type { TestCore } from '../core/test-core.js'
import { deployJob, get, loadLoop, openDeployCore, type Project, removeDeployLeftovers, testProject, versionContainersOnServer } from './deploy-fixture.js'

const hs = useHomeServer()
const SERVER = 'home'
const APP = 'hpdeploy-drop'
const PORT = 18741
const PROXY = 'homeport-proxy-deploy-drop'
let t: TestCore
let project: Project
const openCore = (): Promise<TestCore> => openDeployCore(hs, SERVER, PROXY)
const deployWith = (core: TestCore): Promise<JobDto> => deployJob(core, project.dir)

function succeeded(job: JobDto): DeployJobResult {
  expect(job.error, JSON.stringify(job.error)).toBeUndefined()
  return job.result as DeployJobResult
}

/** Resolves once a version other than the serving ones has a running container (the candidate under its health check). */
async function candidateRunning(known: string[]): Promise<string> {
  let name = ''
  await expect
    .poll(async () => {
      name = (await versionContainersOnServer(APP)).find((c) => c.state === 'running' && !known.includes(c.name))?.name ?? ''
      return name
    }, { timeout: 120_000, interval: 100 })
    .not.toBe('')
  return name
}

beforeAll(async () => {
  t = await openCore()
  project = testProject(hs, `app: ${APP}\nserver: ${SERVER}\nport: ${PORT}\nhealth:\n  path: /health\n  timeout: 40\n`)
}, 300_000)

afterAll(async () => {
  await t?.close()
  project?.dispose()
  await removeDeployLeftovers(hs, [APP], PROXY)
}, 120_000)

describe('the SSH connection killed mid-swap', { timeout: 400_000 }, () => {
  let first: DeployJobResult

  it('keeps the old version serving while the connection drops during the new one\'s check', async () => {
    first = succeeded(await deployWith(t))
    const known = (await versionContainersOnServer(APP)).map((c) => c.name)
    project.write('v2-never-healthy', { healthy: false })
    const load = loadLoop(PORT)
    const job = deployWith(t)
    await candidateRunning(known)
    expect(await killSshConnections()).toBeGreaterThan(0)
    const ended = await job
    await load.stop()
    expect(ended.state).toBe('failed')
    expect(load.failures).toEqual([])
    expect(load.seen).toEqual(['v1'])
    const history = await t.call('deploy.history', { serverId: SERVER, app: APP })
    expect(history.current).toBe(first.version)
    // The job came back through the reconnect, failed the check and removed its version.
    await expect.poll(async () => (await versionContainersOnServer(APP)).map((c) => c.name), { timeout: 30_000 }).toEqual(known)
  })

  it('when Homeport goes away with the connection, the next deploy removes the half-started version', async () => {
    const known = (await versionContainersOnServer(APP)).map((c) => c.name)
    project.write('v3-never-healthy', { healthy: false })
    const gone = await openCore()
    const load = loadLoop(PORT)
    void gone.call('deploy.run', { dir: project.dir }).catch(() => {})
    const candidate = await candidateRunning(known)
    await Promise.all([killSshConnections(), gone.close()])
    // Left on the server by the cut: the candidate, running, and the proxy still on v1.
    expect((await versionContainersOnServer(APP)).find((c) => c.name === candidate)).toBeDefined()
    expect((await get(PORT)).body).toBe('v1')
    project.write('v4')
    const fourth = succeeded(await deployWith(t))
    await load.stop()
    expect(load.failures).toEqual([])
    expect(load.seen).toEqual(['v1', 'v4'])
    const after = await versionContainersOnServer(APP)
    expect(after.map((c) => c.name)).not.toContain(candidate)
    expect(after.filter((c) => c.state === 'running').map((c) => c.name)).toEqual([`homeport-deploy-${APP}-${fourth.version}`])
  })

  it('a version left running beside the serving one (cut after the switch) is stopped by the next deploy', async () => {
    const old = `homeport-deploy-${APP}-${first.version}`
    await docker(['start', old])
    project.write('v5')
    const fifth = succeeded(await deployWith(t))
    expect((await get(PORT)).body).toBe('v5')
    const running = (await versionContainersOnServer(APP)).filter((c) => c.state === 'running').map((c) => c.name)
    expect(running).toEqual([`homeport-deploy-${APP}-${fifth.version}`])
    // Still kept for a rollback, only stopped.
    expect((await t.call('deploy.history', { serverId: SERVER, app: APP })).versions.map((v) => v.version)).toContain(first.version)
  })
})
