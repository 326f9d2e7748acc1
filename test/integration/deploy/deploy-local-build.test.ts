// Deploys built on "this computer" (`build: local`): a second Docker engine on this machine stands for the
// person's own Docker; the test home server's engine already has the test registry's httpd image that the
// Dockerfile builds FROM. What is checked on the server: the version serves through the proxy, its image has
// the ID it has on the computer, and only the layer the server lacked was sent.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Dockerode from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DeployJobResult, JobDto } from '../../../shared/contract/index.js'
import { buildHereAndSend } from '../../../electron/core/build/local-build.js'
import { openLocalEngine } from '../../../electron/core/docker/local-engine.js'
import { docker, useHomeServer } from '../../homeserver/helpers.js'
import { startLaptopEngine, type LaptopEngine } from '../../homeserver/laptop-engine.js'
import type { TestCore } from '../core/test-core.js'
import { deployJob, get, openDeployCore, type Project, removeDeployLeftovers, testProject, versionContainersOnServer } from './deploy-fixture.js'

const hs = useHomeServer()
const SERVER = 'home'
const APP = 'hpdeploy-local'
const PORT = 18761
const PROXY = 'homeport-proxy-deploy-local'
let t: TestCore
let project: Project
let laptop: LaptopEngine
const dockerHostBefore = process.env.DOCKER_HOST

function result(job: JobDto): DeployJobResult {
  expect(job.error, JSON.stringify(job.error)).toBeUndefined()
  expect(job.state).toBe('succeeded')
  return job.result as DeployJobResult
}

const imageId = async (run: (args: string[]) => Promise<string>, version: string) => (await run(['image', 'inspect', '--format', '{{.Id}}', `homeport-deploy/${APP}:${version}`])).trim()

beforeAll(async () => {
  ;[laptop, t] = await Promise.all([startLaptopEngine('deploy-local'), openDeployCore(hs, SERVER, PROXY)])
  process.env.DOCKER_HOST = laptop.dockerHost
  project = testProject(hs, `app: ${APP}\nserver: ${SERVER}\nport: ${PORT}\nbuild: local\nhealth:\n  path: /health\n  timeout: 10\n`)
}, 300_000)

afterAll(async () => {
  if (dockerHostBefore === undefined) delete process.env.DOCKER_HOST
  else process.env.DOCKER_HOST = dockerHostBefore
  await t?.close()
  project?.dispose()
  await laptop?.stop()
  await removeDeployLeftovers(hs, [APP], PROXY)
}, 120_000)

describe('deploy built on this computer: only the layers the server lacks are sent', { timeout: 300_000 }, () => {
  it('finds the Docker engine of this computer', async () => {
    expect(await t.call('deploy.localEngine', {})).toMatchObject({ found: true, host: laptop.dockerHost, platform: `linux/${process.arch === 'x64' ? 'amd64' : process.arch}` })
  })

  it('builds here, sends the COPY layer but not the base the server has, and serves the version', async () => {
    const job = await deployJob(t, project.dir)
    const first = result(job)
    expect(first).toMatchObject({ app: APP, kind: 'build', sent: { layers: 2, layersSent: 1 } })
    // The base image (busybox, about a megabyte) stayed out: what went is the page and the archive's metadata.
    expect(first.sent!.bytesSent).toBeLessThan(first.sent!.bytesFull / 10)
    expect(job.log.join('\n')).toContain(`${SERVER} has 1 of the 2 layers: sending 1`)
    expect((await get(PORT)).body).toBe('v1')
    expect(await versionContainersOnServer(APP)).toEqual([{ name: `homeport-deploy-${APP}-${first.version}`, state: 'running' }])
    const here = await imageId(laptop.docker, first.version)
    expect(here).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(await imageId(docker, first.version)).toBe(here)
  })

  it('sends no layer when nothing changed, and keeps one version of the app on this computer', async () => {
    const before = (await t.call('deploy.history', { serverId: SERVER, app: APP })).current!
    const again = result(await deployJob(t, project.dir))
    expect(again.sent).toMatchObject({ layers: 2, layersSent: 0 })
    expect(again.previous).toBe(before)
    expect((await get(PORT)).body).toBe('v1')
    expect(await imageId(docker, again.version)).toBe(await imageId(laptop.docker, again.version))
    expect((await laptop.docker(['images', '--format', '{{.Tag}}', `homeport-deploy/${APP}`])).trim()).toBe(again.version)
  })

  it('sends the changed layer of a changed project', async () => {
    project.write('v2')
    const changed = result(await deployJob(t, project.dir))
    expect(changed.sent).toMatchObject({ layers: 2, layersSent: 1 })
    expect((await get(PORT)).body).toBe('v2')
  })

  it('builds on the server when the call says so, whatever homeport.yml says', async () => {
    project.write('v3')
    const { jobId } = await t.call('deploy.run', { dir: project.dir, build: 'server' })
    const onServer = result(await t.finishedJob(jobId))
    expect(onServer.sent).toBeUndefined()
    expect((await get(PORT)).body).toBe('v3')
    await expect(laptop.docker(['image', 'inspect', `homeport-deploy/${APP}:${onServer.version}`])).rejects.toThrow()
  })

  it('a cancel while the layers go leaves nothing on the server and no temporary file here', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'homeport-local-cancel-'))
    const tmpBefore = process.env.TMPDIR
    process.env.TMPDIR = tmp
    const image = `homeport-deploy/${APP}:cancelled`
    const abort = new AbortController()
    try {
      const sending = buildHereAndSend(await openLocalEngine(), new Dockerode({ socketPath: hs.dockerSocket }), {
        contextDir: project.dir,
        tags: [image],
        serverName: SERVER,
        signal: abort.signal,
        onSend: () => abort.abort(),
      })
      await expect(sending).rejects.toMatchObject({ code: 'CANCELLED' })
      expect(fs.readdirSync(tmp)).toEqual([])
    } finally {
      if (tmpBefore === undefined) delete process.env.TMPDIR
      else process.env.TMPDIR = tmpBefore
      fs.rmSync(tmp, { recursive: true, force: true })
    }
    await expect(docker(['image', 'inspect', image])).rejects.toThrow()
    await laptop.docker(['rmi', image])
  })

  it('without Docker on this computer, fails naming the fix, and the version serving keeps serving', async () => {
    const serving = (await t.call('deploy.history', { serverId: SERVER, app: APP })).current
    const containers = await versionContainersOnServer(APP)
    process.env.DOCKER_HOST = 'unix:///run/hptl-deploy-local/nothing-here.sock'
    try {
      expect(await t.call('deploy.localEngine', {})).toMatchObject({ found: false, host: 'unix:///run/hptl-deploy-local/nothing-here.sock', problem: expect.stringContaining('does not exist') })
      project.write('v4')
      const job = await deployJob(t, project.dir)
      expect(job.state).toBe('failed')
      expect(job.error).toMatchObject({ code: 'LOCAL_DOCKER_UNAVAILABLE', hint: expect.stringContaining('Start Docker on this computer') })
      expect(job.error?.message).toContain('nothing-here.sock')
    } finally {
      process.env.DOCKER_HOST = laptop.dockerHost
    }
    expect((await get(PORT)).body).toBe('v3')
    expect(await versionContainersOnServer(APP)).toEqual(containers)
    expect((await t.call('deploy.history', { serverId: SERVER, app: APP })).current).toBe(serving)
  })
})
