// The apps engine through the assembled core and its validating dispatch, against the test home server: a
// two-service app whose web service waits for a healthy dependency installs from the local registry (through
// a registry mirror), serves its page through a local forward, is seen by docker-compose, survives a no-op
// re-apply ("already up to date"), keeps a reopened page's address, sees an edited env file as a change, rolls back a broken update, and loses its volume only when asked.

import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { docker as dockerRaw, useHomeServer } from '../../homeserver/helpers.js'
import { homeServerInput, openTestCore, type TestCore } from '../core/test-core.js'
import { twoServiceCompose } from './two-service-compose.js'

const hs = useHomeServer()
const APP = 'hp-twosvc'
const docker = async (args: string[]) => (await dockerRaw(args)).trim()
const BLOB_TAG = `t${Date.now()}`
const VALUES = { WEB_PORT: '18081', BLOB_TAG }
// db turns ready only after 3 s, so the install polls its health a dozen times under the job's abort signal.
const COMPOSE = twoServiceCompose({ web: 'docker.io/homeport/httpd:1', db: 'docker.io/homeport/blob:${BLOB_TAG}', dbPrelude: 'sleep 2; ' })
const appDir = `/home/${hs.user}/.local/share/homeport/apps/${APP}`

function composePs(): string {
  return execFileSync('docker-compose', ['-f', `${appDir}/compose.yml`, '-p', APP, 'ps'], {
    cwd: appDir,
    encoding: 'utf8',
    env: { ...process.env, DOCKER_HOST: hs.dockerHost, ...VALUES },
  })
}

describe('apps through the core', () => {
  let t: TestCore

  beforeAll(async () => {
    t = await openTestCore()
    await t.call('servers.add', homeServerInput(hs))
    await t.call('apps.setMirror', { serverId: 'home', mirror: hs.registry })
    await docker(['rm', '-f', `${APP}-web-1`, `${APP}-db-1`]).catch(() => '')
  })

  afterAll(async () => {
    await t?.call('apps.remove', { serverId: 'home', app: APP, volumes: true, confirm: APP }).catch(() => {})
    await docker(['rmi', `${hs.registry}/homeport/blob:${BLOB_TAG}`]).catch(() => '')
    await t?.close()
  })

  it('refuses an invalid app name before anything runs, naming the field', async () => {
    const error = await t.refused('apps.plan', { serverId: 'home', source: { compose: COMPOSE }, name: 'Not A Name!', values: VALUES })
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toMatch(/^Invalid input for apps\.plan: name: /)
  })

  it('plans the install before changing anything', async () => {
    const plan = await t.call('apps.plan', { serverId: 'home', source: { compose: COMPOSE }, name: APP, values: VALUES })
    expect(plan.containers.map((c) => [c.service, c.action])).toEqual([
      ['db', 'create'],
      ['web', 'create'],
    ])
    expect(plan.images.map((i) => i.image)).toEqual([`${hs.registry}/homeport/blob:${BLOB_TAG}`, `${hs.registry}/homeport/httpd:1`])
    expect(plan.networks).toEqual([{ name: `${APP}_default`, action: 'create' }])
    expect(plan.volumes).toEqual([{ name: `${APP}_data`, action: 'create' }])
    expect(await docker(['ps', '-a', '--filter', `label=com.docker.compose.project=${APP}`, '-q'])).toBe('')
  })

  it('installs both services in dependency order, printing no warning, and serves the page through a local forward', async () => {
    // An image whose top layer exists nowhere but in the registry, so the pull really downloads it.
    const blob = `${hs.registry}/homeport/blob:${BLOB_TAG}`
    await docker(['run', '--name', 'hp-blob-src', `${hs.registry}/homeport/busybox:1`, 'sh', '-c', 'head -c 2000000 /dev/urandom > /blob'])
    await docker(['commit', '--change', 'CMD ["sh"]', 'hp-blob-src', blob])
    await docker(['rm', 'hp-blob-src'])
    await docker(['push', '--quiet', blob])
    await docker(['rmi', blob])
    // Node prints its warnings (a listener leak on the job's abort signal, say) to the user's terminal.
    const warnings: Error[] = []
    const onWarning = (w: Error) => warnings.push(w)
    process.on('warning', onWarning)
    const job = await t
      .call('apps.install', { serverId: 'home', source: { compose: COMPOSE }, name: APP, values: VALUES })
      .then(({ jobId }) => t.finishedJob(jobId))
      .finally(() => process.off('warning', onWarning))
    expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([])
    expect(job.error).toBeUndefined()
    expect(job).toMatchObject({ state: 'succeeded', result: { status: 'installed', app: APP } })
    expect(job.items.some((i) => i.key === blob && i.total > 0 && i.current === i.total)).toBe(true)

    const states = await docker(['inspect', '-f', '{{.Name}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}', `${APP}-db-1`, `${APP}-web-1`])
    expect(states.split('\n')).toEqual([`/${APP}-db-1 running healthy`, `/${APP}-web-1 running`])
    expect(fs.readFileSync(`${appDir}/compose.yml`, 'utf8')).toBe(COMPOSE)
    expect(fs.readFileSync(`${appDir}/.env`, 'utf8')).toContain('WEB_PORT=18081')

    const apps = await t.call('apps.list', { serverId: 'home' })
    expect(apps.find((a) => a.name === APP)).toMatchObject({ state: 'running', managed: true, health: 'healthy' })
    // Each running service says when it started, so the window's uptime ticks without asking again.
    const web = apps.find((a) => a.name === APP)?.services.find((s) => s.service === 'web')
    expect(web?.startedAt).toBe(await docker(['inspect', '-f', '{{.State.StartedAt}}', `${APP}-web-1`]))

    const forward = await t.call('apps.open', { serverId: 'home', app: APP })
    expect(forward.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    const page = await fetch(forward.url).then((r) => r.text())
    expect(page).toContain('homeport test app')
    await t.call('apps.closeForward', { serverId: 'home', app: APP })
    await expect(fetch(forward.url)).rejects.toThrow()
    // Opened again while the core runs, the page keeps its address, so a bookmark of it keeps working.
    const reopened = await t.call('apps.open', { serverId: 'home', app: APP })
    expect(reopened.url).toBe(forward.url)
    expect(await fetch(reopened.url).then((r) => r.text())).toContain('homeport test app')
    await t.call('apps.closeForward', { serverId: 'home', app: APP })

    const ps = composePs()
    expect(ps).toContain(`${APP}-web-1`)
    expect(ps).toContain(`${APP}-db-1`)
  })

  it('re-applies an unchanged app without recreating anything', async () => {
    const before = await docker(['inspect', '-f', '{{.Id}}', `${APP}-web-1`, `${APP}-db-1`])
    const plan = await t.call('apps.plan', { serverId: 'home', source: { installed: true }, name: APP, values: {} })
    expect(plan.upToDate).toBe(true)
    expect(plan.containers.every((c) => c.action === 'keep')).toBe(true)
    const { jobId } = await t.call('apps.update', { serverId: 'home', app: APP, values: {} })
    expect(await t.finishedJob(jobId)).toMatchObject({ state: 'succeeded', step: 'Already up to date', result: { status: 'up-to-date', recreated: [], created: [] } })
    // An update with nothing newer in the registry says so too.
    const pulled = await t.call('apps.update', { serverId: 'home', app: APP })
    expect(await t.finishedJob(pulled.jobId)).toMatchObject({ state: 'succeeded', result: { status: 'up-to-date' } })
    expect(await docker(['inspect', '-f', '{{.Id}}', `${APP}-web-1`, `${APP}-db-1`])).toBe(before)
  })

  it('sees an edit of the env file on the server as a change of the service that reads it', async () => {
    const env = fs.readFileSync(`${appDir}/.env`, 'utf8')
    try {
      fs.appendFileSync(`${appDir}/.env`, 'GREETING=hello\n')
      const plan = await t.call('apps.plan', { serverId: 'home', source: { installed: true }, name: APP, values: {} })
      expect(plan.containers.map((c) => [c.service, c.action, c.reason])).toEqual([
        ['db', 'keep', 'up to date'],
        ['web', 'recreate', 'configuration changed'],
      ])
    } finally {
      fs.writeFileSync(`${appDir}/.env`, env)
    }
    expect((await t.call('apps.plan', { serverId: 'home', source: { installed: true }, name: APP, values: {} })).upToDate).toBe(true)
  })

  it('rolls an update with a broken image back to the running version and keeps the volume', async () => {
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
      const { jobId } = await t.call('apps.update', { serverId: 'home', app: APP, verifyTimeoutMs: 20_000 })
      const job = await t.finishedJob(jobId)
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
    await t.call('apps.remove', { serverId: 'home', app: APP, volumes: false })
    expect(await docker(['ps', '-a', '--filter', `label=com.docker.compose.project=${APP}`, '-q'])).toBe('')
    expect(await docker(['volume', 'ls', '-q', '--filter', `name=${APP}_data`])).toBe(`${APP}_data`)
    expect(await docker(['network', 'ls', '-q', '--filter', `name=${APP}_default`])).toBe('')

    // reinstall finds the kept volume; then remove with --volumes
    const { jobId } = await t.call('apps.install', { serverId: 'home', source: { compose: COMPOSE }, name: APP, values: VALUES })
    expect((await t.finishedJob(jobId)).state).toBe('succeeded')
    expect(await docker(['exec', `${APP}-web-1`, 'cat', '/www/data/marker'])).toBe('kept')
    await expect(t.call('apps.remove', { serverId: 'home', app: APP, volumes: true })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await t.call('apps.remove', { serverId: 'home', app: APP, volumes: true, confirm: APP })
    expect(await docker(['volume', 'ls', '-q', '--filter', `name=${APP}_data`])).toBe('')
    expect(fs.existsSync(appDir)).toBe(false)
  })
})
