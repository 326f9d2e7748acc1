// Editing an installed app's compose file and .env through the core: the editor gets the files with secrets
// blank, an edit is planned before it runs, applies under the app's lock, and a failing one rolls back — each
// judged on the server: the files' bytes, the port the container really listens on, the values it runs with.

import fs from 'node:fs'
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { docker as dockerRaw, homeportFailure, useHomeServer } from '../../homeserver/helpers.js'
import { homeServerInput, openTestCore, type TestCore } from '../core/test-core.js'

const hs = useHomeServer()
const APP = `hp-edit${process.pid}`
const serverId = 'home'
const docker = async (args: string[]) => (await dockerRaw(args)).trim()
const appDir = `/home/${hs.user}/.local/share/homeport/apps/${APP}`
const [PORT_A, PORT_B, PORT_TAKEN] = [18391, 18392, 18393]
const COMPOSE = `services:
  web:
    image: docker.io/homeport/httpd:1
    ports:
      - "127.0.0.1:\${WEB_PORT}:80"
    env_file: .env
    stop_grace_period: 1s
`
const ENV = `WEB_PORT=${PORT_A}\nADMIN_PASSWORD=s3cret-value\n`
const page = (port: number) => fetch(`http://127.0.0.1:${port}/`).then((r) => r.text())
const containerEnv = async () => (await docker(['inspect', '-f', '{{join .Config.Env "\\n"}}', `${APP}-web-1`])).split('\n')

describe('editing an installed app', () => {
  let t: TestCore

  beforeAll(async () => {
    t = await openTestCore()
    await t.call('servers.add', homeServerInput(hs))
    await t.call('apps.setMirror', { serverId, mirror: hs.registry })
    const { jobId } = await t.call('apps.install', { serverId, source: { compose: COMPOSE, env: ENV }, name: APP, values: {} })
    expect((await t.finishedJob(jobId)).state).toBe('succeeded')
    expect(await page(PORT_A)).toContain('homeport test app')
  }, 120_000)

  afterAll(async () => {
    await t?.call('apps.remove', { serverId, app: APP, volumes: true, confirm: APP }).catch(() => {})
    await t?.close()
  })

  it('hands the editor the compose file and .env, secrets blank', async () => {
    const files = await t.call('apps.composeFiles', { serverId, app: APP })
    expect(files.compose).toBe(COMPOSE)
    expect(files.secrets).toEqual(['ADMIN_PASSWORD'])
    expect(files.env).toContain(`WEB_PORT=${PORT_A}`)
    expect(files.env).toMatch(/^ADMIN_PASSWORD=$/m)
    expect(files.env).not.toContain('s3cret-value')
  })

  it('plans a compose edit, then applies it: the container listens on the new port', async () => {
    const edited = COMPOSE.replace('${WEB_PORT}', String(PORT_B))
    const plan = await t.call('apps.plan', { serverId, name: APP, source: { installed: true, compose: edited }, values: {} })
    expect(plan.containers).toEqual([expect.objectContaining({ service: 'web', action: 'recreate' })])
    // Planning changed nothing yet.
    expect(fs.readFileSync(`${appDir}/compose.yml`, 'utf8')).toBe(COMPOSE)

    const { jobId } = await t.call('apps.update', { serverId, app: APP, compose: edited })
    const job = await t.finishedJob(jobId)
    expect(job.error).toBeUndefined()
    expect(job).toMatchObject({ state: 'succeeded', result: { recreated: [`${APP}-web-1`] } })
    expect(fs.readFileSync(`${appDir}/compose.yml`, 'utf8')).toBe(edited)
    expect(await docker(['port', `${APP}-web-1`, '80/tcp'])).toBe(`127.0.0.1:${PORT_B}`)
    expect(await page(PORT_B)).toContain('homeport test app')
    await expect(page(PORT_A)).rejects.toThrow()
    expect(await containerEnv()).toContain('ADMIN_PASSWORD=s3cret-value')
  })

  it('applies an edited .env, a blank secret keeping its value', async () => {
    const { env } = await t.call('apps.composeFiles', { serverId, app: APP })
    const { jobId } = await t.call('apps.update', { serverId, app: APP, env: `${env}GREETING=hello there\n` })
    expect((await t.finishedJob(jobId)).state).toBe('succeeded')
    const vars = await containerEnv()
    expect(vars).toContain('GREETING=hello there')
    expect(vars).toContain('ADMIN_PASSWORD=s3cret-value')
    expect(fs.readFileSync(`${appDir}/.env`, 'utf8')).toContain('ADMIN_PASSWORD=s3cret-value')
  })

  it('refuses an invalid compose file before anything changes, naming the problem', async () => {
    const before = fs.readFileSync(`${appDir}/compose.yml`, 'utf8')
    const broken = 'services:\n  web:\n    image: docker.io/homeport/httpd:1\n    ports: "not a list\n'
    const planned = await homeportFailure(t.call('apps.plan', { serverId, name: APP, source: { installed: true, compose: broken }, values: {} }))
    expect(planned.code).toBe('COMPOSE_INVALID')
    const schema = 'services:\n  web:\n    image: docker.io/homeport/httpd:1\n    restart: sometimes\n'
    expect((await homeportFailure(t.call('apps.plan', { serverId, name: APP, source: { installed: true, compose: schema }, values: {} }))).code).toBe('COMPOSE_INVALID')
    const updated = await t.call('apps.update', { serverId, app: APP, compose: broken }).then(({ jobId }) => t.finishedJob(jobId), (err: Error) => err)
    expect('state' in updated ? updated.error?.code : (updated as { code?: string }).code).toBe('COMPOSE_INVALID')
    expect(fs.readFileSync(`${appDir}/compose.yml`, 'utf8')).toBe(before)
    expect(await page(PORT_B)).toContain('homeport test app')
  })

  it('rolls an edit back when its container cannot start: files and container as before', async () => {
    const before = { compose: fs.readFileSync(`${appDir}/compose.yml`, 'utf8'), env: fs.readFileSync(`${appDir}/.env`, 'utf8'), id: await docker(['inspect', '-f', '{{.Id}}', `${APP}-web-1`]) }
    // The server is this machine: something already listens on the port the edit asks for.
    const taken = net.createServer().listen(PORT_TAKEN, '127.0.0.1')
    await new Promise((resolve) => taken.once('listening', resolve))
    try {
      const { jobId } = await t.call('apps.update', { serverId, app: APP, compose: before.compose.replace(String(PORT_B), String(PORT_TAKEN)) })
      const job = await t.finishedJob(jobId)
      expect(job.state).toBe('failed')
      expect(job.error?.message).toMatch(/rolled back/i)
    } finally {
      taken.close()
    }
    expect(fs.readFileSync(`${appDir}/compose.yml`, 'utf8')).toBe(before.compose)
    expect(fs.readFileSync(`${appDir}/.env`, 'utf8')).toBe(before.env)
    expect(await docker(['inspect', '-f', '{{.State.Status}}', `${APP}-web-1`])).toBe('running')
    expect(await page(PORT_B)).toContain('homeport test app')
  })
})
