// The apps engine through the assembled core against the test home server: a two-service app whose web
// service waits for a healthy dependency installs from the local registry (through a registry mirror),
// serves its page through a local forward, is seen by docker-compose, survives a no-op re-apply, rolls back
// a broken update, and loses its volume only when asked.

import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JobDto } from '../../../shared/contract/index.js'
import { createCore, type Core } from '../../../electron/core/runtime/create-core.js'
import { MemorySecretStore } from '../../../electron/core/secrets/memory-store.js'
import { docker as dockerRaw, useHomeServer } from '../../homeserver/helpers.js'

const hs = useHomeServer()
const ctx = { clientId: 'test' }
const APP = 'hp-twosvc'
const docker = async (args: string[]) => (await dockerRaw(args)).trim()
const BLOB_TAG = `t${Date.now()}`
const VALUES = { WEB_PORT: '18081', BLOB_TAG }


export const TWO_SERVICE_APP = `
services:
  web:
    image: docker.io/homeport/httpd:1
    depends_on:
      db:
        condition: service_healthy
    ports:
      - "127.0.0.1:\${WEB_PORT}:80"
    volumes:
      - data:/www/data
    restart: unless-stopped
  db:
    image: docker.io/homeport/blob:\${BLOB_TAG}
    command: ["sh", "-c", "sleep 1; touch /tmp/ready; exec sleep 3600"]
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ready"]
      interval: 1s
      timeout: 2s
      retries: 20
volumes:
  data:
`

function composePs(): string {
  const dir = `/home/${hs.user}/.local/share/homeport/apps/${APP}`
  return execFileSync('docker-compose', ['-f', `${dir}/compose.yml`, '-p', APP, 'ps'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, DOCKER_HOST: hs.dockerHost, ...VALUES },
  })
}

describe('apps through the core', () => {
  let dataDir: string
  let core: Core
  const jobs = new Map<string, JobDto>()

  const waitJob = async (jobId: string): Promise<JobDto> => {
    for (let i = 0; i < 600; i++) {
      const job = jobs.get(jobId) ?? (await core.handlers['jobs.get']({ id: jobId }, ctx))
      if (job.state !== 'running') return job
      await new Promise((r) => setTimeout(r, 200))
    }
    throw new Error(`job ${jobId} did not finish`)
  }

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'homeport-apps-'))
    core = await createCore({
      dataDir,
      secrets: new MemorySecretStore(),
      events: { emit: (event, payload) => void (event === 'job.update' && jobs.set((payload as JobDto).id, payload as JobDto)) },
      sshConfigPath: path.join(dataDir, 'ssh_config'),
      knownHostsPath: path.join(dataDir, 'known_hosts'),
    })
    await core.handlers['servers.add']({ name: 'home', host: hs.host, port: hs.sshPort, user: hs.user, authMethod: 'key', identityFile: hs.keys.ed25519, hostKey: hs.hostKeyFingerprint }, ctx)
    await core.handlers['apps.setMirror']({ serverId: 'home', mirror: hs.registry }, ctx)
    docker(['rm', '-f', `${APP}-web-1`, `${APP}-db-1`]).catch(() => {})
  })

  afterAll(async () => {
    await core?.handlers['apps.remove']({ serverId: 'home', app: APP, volumes: true, confirm: APP }, ctx).catch(() => {})
    await docker(['rmi', `${hs.registry}/homeport/blob:${BLOB_TAG}`]).catch(() => '')
    await core?.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  it('plans the install before changing anything', async () => {
    const plan = await core.handlers['apps.plan']({ serverId: 'home', source: { compose: TWO_SERVICE_APP }, name: APP, values: VALUES }, ctx)
    expect(plan.containers.map((c) => [c.service, c.action])).toEqual([
      ['db', 'create'],
      ['web', 'create'],
    ])
    expect(plan.images.map((i) => i.image)).toEqual([`${hs.registry}/homeport/blob:${BLOB_TAG}`, `${hs.registry}/homeport/httpd:1`])
    expect(plan.networks).toEqual([{ name: `${APP}_default`, action: 'create' }])
    expect(plan.volumes).toEqual([{ name: `${APP}_data`, action: 'create' }])
    expect(await docker(['ps', '-a', '--filter', `label=com.docker.compose.project=${APP}`, '-q'])).toBe('')
  })

  it('installs both services in dependency order and serves the page through a local forward', async () => {
    // An image whose top layer exists nowhere but in the registry, so the pull really downloads it.
    const blob = `${hs.registry}/homeport/blob:${BLOB_TAG}`
    await docker(['run', '--name', 'hp-blob-src', `${hs.registry}/homeport/busybox:1`, 'sh', '-c', 'head -c 2000000 /dev/urandom > /blob'])
    await docker(['commit', '--change', 'CMD ["sh"]', 'hp-blob-src', blob])
    await docker(['rm', 'hp-blob-src'])
    await docker(['push', '--quiet', blob])
    await docker(['rmi', blob])
    const { jobId } = await core.handlers['apps.install']({ serverId: 'home', source: { compose: TWO_SERVICE_APP }, name: APP, values: VALUES }, ctx)
    const job = await waitJob(jobId)
    expect(job.error).toBeUndefined()
    expect(job).toMatchObject({ state: 'succeeded', result: { status: 'installed', app: APP } })
    expect(job.items.some((i) => i.key === blob && i.total > 0 && i.current === i.total)).toBe(true)

    const states = await docker(['inspect', '-f', '{{.Name}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}', `${APP}-db-1`, `${APP}-web-1`])
    expect(states.split('\n')).toEqual([`/${APP}-db-1 running healthy`, `/${APP}-web-1 running`])
    const dir = `/home/${hs.user}/.local/share/homeport/apps/${APP}`
    expect(fs.readFileSync(`${dir}/compose.yml`, 'utf8')).toBe(TWO_SERVICE_APP)
    expect(fs.readFileSync(`${dir}/.env`, 'utf8')).toContain('WEB_PORT=18081')

    const apps = await core.handlers['apps.list']({ serverId: 'home' }, ctx)
    expect(apps.find((a) => a.name === APP)).toMatchObject({ state: 'running', managed: true, health: 'healthy' })

    const forward = await core.handlers['apps.open']({ serverId: 'home', app: APP }, ctx)
    expect(forward.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    const page = await fetch(forward.url).then((r) => r.text())
    expect(page).toContain('homeport test app')
    await core.handlers['apps.closeForward']({ serverId: 'home', app: APP }, ctx)
    await expect(fetch(forward.url)).rejects.toThrow()

    const ps = composePs()
    expect(ps).toContain(`${APP}-web-1`)
    expect(ps).toContain(`${APP}-db-1`)
  })

  it('re-applies an unchanged app without recreating anything', async () => {
    const before = await docker(['inspect', '-f', '{{.Id}}', `${APP}-web-1`, `${APP}-db-1`])
    const plan = await core.handlers['apps.plan']({ serverId: 'home', source: { installed: true }, name: APP, values: {} }, ctx)
    expect(plan.upToDate).toBe(true)
    expect(plan.containers.every((c) => c.action === 'keep')).toBe(true)
    const { jobId } = await core.handlers['apps.update']({ serverId: 'home', app: APP, values: {} }, ctx)
    expect((await waitJob(jobId)).state).toBe('succeeded')
    expect(await docker(['inspect', '-f', '{{.Id}}', `${APP}-web-1`, `${APP}-db-1`])).toBe(before)
  })

  it('rolls an update with a broken image back to the running version and keeps the volume', async () => {
    fs.writeFileSync(path.join(dataDir, 'marker'), 'kept')
    await docker(['exec', `${APP}-web-1`, 'sh', '-c', 'echo kept > /www/data/marker'])
    const oldImage = await docker(['inspect', '-f', '{{.Image}}', `${APP}-web-1`])
    // A new httpd:1 whose server exits at once: the update pulls it, starts it, sees it die, and rolls back.
    const broken = `${hs.registry}/homeport/httpd:1`
    await docker(['tag', `${hs.registry}/homeport/httpd:1`, `${hs.registry}/homeport/httpd:good`])
    await docker(['create', '--name', 'hp-broken-src', `${hs.registry}/homeport/busybox:1`])
    await docker(['commit', '--change', 'CMD ["sh", "-c", "exit 3"]', 'hp-broken-src', broken])
    await docker(['rm', 'hp-broken-src'])
    await docker(['push', '--quiet', broken])
    try {
      const { jobId } = await core.handlers['apps.update']({ serverId: 'home', app: APP, verifyTimeoutMs: 20_000 }, ctx)
      const job = await waitJob(jobId)
      expect(job.state).toBe('failed')
      expect(job.error?.code).toBe('APP_START_FAILED')
      expect(job.error?.message).toMatch(/Rolled back to the previous version/)
      expect(await docker(['inspect', '-f', '{{.Image}} {{.State.Status}}', `${APP}-web-1`])).toBe(`${oldImage} running`)
      expect(await docker(['ps', '-a', '--filter', `label=com.docker.compose.project=${APP}`, '--format', '{{.Names}}'])).not.toContain('previous')
      expect(await docker(['exec', `${APP}-web-1`, 'cat', '/www/data/marker'])).toBe('kept')
    } finally {
      await docker(['tag', `${hs.registry}/homeport/httpd:good`, broken])
      await docker(['push', '--quiet', broken])
      await docker(['rmi', `${hs.registry}/homeport/httpd:good`])
    }
  })

  it('removes the app but keeps its volume, then deletes the volume only with confirmation', async () => {
    await core.handlers['apps.remove']({ serverId: 'home', app: APP, volumes: false }, ctx)
    expect(await docker(['ps', '-a', '--filter', `label=com.docker.compose.project=${APP}`, '-q'])).toBe('')
    expect(await docker(['volume', 'ls', '-q', '--filter', `name=${APP}_data`])).toBe(`${APP}_data`)
    expect(await docker(['network', 'ls', '-q', '--filter', `name=${APP}_default`])).toBe('')

    // reinstall finds the kept volume; then remove with --volumes
    const { jobId } = await core.handlers['apps.install']({ serverId: 'home', source: { compose: TWO_SERVICE_APP }, name: APP, values: VALUES }, ctx)
    expect((await waitJob(jobId)).state).toBe('succeeded')
    expect(await docker(['exec', `${APP}-web-1`, 'cat', '/www/data/marker'])).toBe('kept')
    await expect(core.handlers['apps.remove']({ serverId: 'home', app: APP, volumes: true }, ctx)).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await core.handlers['apps.remove']({ serverId: 'home', app: APP, volumes: true, confirm: APP }, ctx)
    expect(await docker(['volume', 'ls', '-q', '--filter', `name=${APP}_data`])).toBe('')
    expect(fs.existsSync(`/home/${hs.user}/.local/share/homeport/apps/${APP}`)).toBe(false)
  })
})
