// The other ways a version is judged ready, and what a deploy takes from the project: a compose service's
// build: (its own Dockerfile name), no health path and no HEALTHCHECK (the port accepting connections is
// enough), the environment from homeport.yml (read on the server), an image HEALTHCHECK that fails (the old
// version keeps serving), and a port another program on the server holds (PORT_IN_USE, the proxy as it was).

import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DeployJobResult, JobDto } from '../../../shared/contract/index.js'
import { docker, useHomeServer } from '../../homeserver/helpers.js'
import type { TestCore } from '../core/test-core.js'
import { deployJob, get, httpdImage, openDeployCore, type Project, removeDeployLeftovers, testProject, versionContainersOnServer } from './deploy-fixture.js'

const hs = useHomeServer()
const SERVER = 'home'
const APP = 'hpdeploy-health'
const PORT = 18761
const TAKEN_PORT = 18762
const PROXY = 'homeport-proxy-deploy-health'
let t: TestCore
let project: Project

function dockerfile(healthcheck: boolean): string {
  const check = healthcheck ? 'HEALTHCHECK --interval=1s --timeout=2s --retries=2 CMD wget -q -O /dev/null http://127.0.0.1:8080/health || exit 1\n' : ''
  return `FROM ${httpdImage(hs)}\nCOPY www /www\n${check}CMD ["httpd", "-f", "-vv", "-p", "8080", "-h", "/www"]\n`
}

function homeportYml(port: number): string {
  return `app: ${APP}\nserver: ${SERVER}\nservice: web\nport: ${port}\nappPort: 8080\nhealth:\n  timeout: 20\nenv:\n  GREETING: hello from homeport.yml\n`
}

const deploy = (): Promise<JobDto> => deployJob(t, project.dir)

beforeAll(async () => {
  t = await openDeployCore(hs, SERVER, PROXY)
  project = testProject(hs, homeportYml(PORT))
  fs.rmSync(path.join(project.dir, 'Dockerfile'))
  fs.writeFileSync(path.join(project.dir, 'compose.yaml'), 'services:\n  web:\n    build:\n      context: .\n      dockerfile: Dockerfile.web\n')
  fs.writeFileSync(path.join(project.dir, 'Dockerfile.web'), dockerfile(false))
}, 300_000)

afterAll(async () => {
  await t?.close()
  project?.dispose()
  await removeDeployLeftovers(hs, [APP], PROXY)
}, 120_000)

describe('health without a path, a compose service, environment, ports', { timeout: 300_000 }, () => {
  let first: DeployJobResult

  it("builds the compose service and, with no health path or HEALTHCHECK, takes the port's answer", async () => {
    const job = await deploy()
    expect(job.error, JSON.stringify(job.error)).toBeUndefined()
    first = job.result as DeployJobResult
    expect(job.log.join('\n')).toContain('port 8080 accepts connections')
    expect((await get(PORT)).body).toBe('v1')
    const env = await docker(['inspect', '--format', '{{json .Config.Env}}', `homeport-deploy-${APP}-${first.version}`])
    expect(JSON.parse(env)).toContain('GREETING=hello from homeport.yml')
  })

  it("keeps the old version serving when the image's HEALTHCHECK fails", async () => {
    fs.writeFileSync(path.join(project.dir, 'Dockerfile.web'), dockerfile(true))
    project.write('v2-unhealthy', { healthy: false })
    const job = await deploy()
    expect(job.error?.code).toBe('HEALTH_CHECK_FAILED')
    expect(job.error?.message).toContain('HEALTHCHECK reports it unhealthy')
    expect(job.error?.message).toContain(`${first.version} keeps serving`)
    expect((await get(PORT)).body).toBe('v1')
    expect((await versionContainersOnServer(APP)).map((c) => c.name)).toEqual([`homeport-deploy-${APP}-${first.version}`])
  })

  it('passes once the HEALTHCHECK does', async () => {
    project.write('v3')
    const job = await deploy()
    expect(job.error, JSON.stringify(job.error)).toBeUndefined()
    expect(job.log.join('\n')).toContain('its HEALTHCHECK passed')
    expect((await get(PORT)).body).toBe('v3')
  })

  it('refuses a port another program holds, and the proxy goes on serving as it was', async () => {
    const holder = net.createServer((s) => s.end())
    await new Promise<void>((resolve) => holder.listen(TAKEN_PORT, '0.0.0.0', resolve))
    try {
      fs.writeFileSync(path.join(project.dir, 'homeport.yml'), homeportYml(TAKEN_PORT))
      project.write('v4')
      const job = await deploy()
      expect(job.error?.code).toBe('PORT_IN_USE')
      expect(job.error?.message).toContain(`Port ${TAKEN_PORT}`)
      expect(job.error?.message).toContain('another program')
      await expect.poll(async () => (await get(PORT).catch(() => ({ body: '' }))).body, { timeout: 30_000 }).toBe('v3')
      expect(await docker(['port', PROXY])).not.toContain(`${TAKEN_PORT}/tcp`)
      expect((await versionContainersOnServer(APP)).filter((c) => c.state === 'running')).toHaveLength(1)
    } finally {
      await new Promise((resolve) => holder.close(resolve))
      fs.writeFileSync(path.join(project.dir, 'homeport.yml'), homeportYml(PORT))
    }
  })
})
