// `homeport apps install --file compose.yml` of an app with compose `secrets:`: each secret's file beside the
// compose file (or the app's variable) lands in the app's folder on the server, read-only, and is mounted at
// /run/secrets/<target> in the containers that use it. A changed secret recreates what uses it on update; a
// missing file is refused before anything is made; the content never shows in the job's log or output.

import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { docker, useHomeServer } from '../../homeserver/helpers.js'
import type { CliSandbox } from '../cli/run-cli.js'
import { appFolder, appsSandbox, inspect, projectLeftovers, SERVER } from './cli-apps-helpers.js'

const hs = useHomeServer()
const APP = 'hp-cli-secrets'
const run = randomBytes(3).toString('hex')
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

const COMPOSE = () => `services:
  app:
    image: ${hs.registry}/homeport/busybox:1
    command: ["sleep", "3600"]
    stop_grace_period: 1s
    secrets:
      - db-password
      - source: api-key
        target: api.key
        mode: 0440
secrets:
  db-password:
    file: ./secrets/db-password.txt
  api-key:
    environment: API_KEY
`

describe('homeport apps install of a compose file with secrets:', () => {
  let cli: CliSandbox
  let file: string
  let secretFile: string
  let envFile: string
  const password = (n: number) => `pw-${n}-${run}-${randomBytes(8).toString('hex')}`
  const apiKey = `key-${run}-${randomBytes(8).toString('hex')}`
  let current = ''
  const inContainer = async (target: string) => sha256(await docker(['exec', `${APP}-app-1`, 'cat', target]))
  const serverMode = (name: string) => fs.statSync(path.join(appFolder(hs, APP), 'secrets', name)).mode & 0o777

  beforeAll(async () => {
    await docker(['rm', '-f', `${APP}-app-1`]).catch(() => '')
    cli = await appsSandbox(hs)
    const project = path.join(cli.home, 'with-secrets')
    fs.mkdirSync(path.join(project, 'secrets'), { recursive: true })
    file = path.join(project, 'compose.yml')
    fs.writeFileSync(file, COMPOSE())
    secretFile = path.join(project, 'secrets', 'db-password.txt')
    envFile = path.join(project, '.env')
    fs.writeFileSync(envFile, `API_KEY=${apiKey}\n`)
  })

  afterAll(async () => {
    await cli?.run(['apps', 'remove', SERVER, APP, '--volumes', '--yes'])
    cli?.dispose()
  })

  it('refuses an install whose secret file is missing, naming the secret, the file and the fix, and makes nothing', async () => {
    const result = await cli.run(['apps', 'install', SERVER, '--file', file, '--name', APP, '--env-file', envFile])
    expect(result.code).not.toBe(0)
    expect(result.stderr).toMatch(/SECRET_SOURCE_MISSING/)
    expect(result.stderr).toContain(`secret "db-password" comes from ${secretFile}, which does not exist`)
    expect(result.stderr).toMatch(/Create .*db-password\.txt.*then run the command again/)
    expect(fs.existsSync(appFolder(hs, APP))).toBe(false)
    expect(await projectLeftovers(APP)).toEqual({ containers: [], networks: [], volumes: [] })
  })

  it('plans which secrets the service gets, without their content', async () => {
    current = password(1)
    fs.writeFileSync(secretFile, current)
    const plan = await cli.run(['apps', 'plan', SERVER, '--file', file, '--name', APP, '--env-file', envFile])
    expect(plan.code, plan.stderr).toBe(0)
    expect(plan.stdout).toContain('app: db-password at /run/secrets/db-password')
    expect(plan.stdout).toContain('app: api-key at /run/secrets/api.key')
    expect(plan.stdout + plan.stderr).not.toContain(current)
    expect(plan.stdout + plan.stderr).not.toContain(apiKey)
  })

  it('installs: each secret is readable in the container with its content, read-only on the server, and in no output', async () => {
    const result = await cli.run(['apps', 'install', SERVER, '--file', file, '--name', APP, '--env-file', envFile, '--json'])
    expect(result.code, result.stderr).toBe(0)
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines.at(-1)).toMatchObject({ status: 'installed', app: APP })
    expect(result.stdout + result.stderr).not.toContain(current)
    expect(result.stdout + result.stderr).not.toContain(apiKey)
    expect(result.stdout).toContain('secrets: app gets db-password, app gets api-key')

    expect(await inspect('{{.State.Status}}', `${APP}-app-1`)).toBe('running')
    expect(await inContainer('/run/secrets/db-password')).toBe(sha256(current))
    expect(await inContainer('/run/secrets/api.key')).toBe(sha256(apiKey))
    expect(serverMode('db-password')).toBe(0o400)
    expect(serverMode('api-key')).toBe(0o440)
    expect(fs.statSync(path.join(appFolder(hs, APP), 'secrets')).mode & 0o777).toBe(0o700)
    // Read-only in the container too.
    await expect(docker(['exec', `${APP}-app-1`, 'sh', '-c', 'echo x > /run/secrets/db-password'])).rejects.toThrow()
  })

  it('updates with nothing changed without recreating the container', async () => {
    const before = await inspect('{{.Id}}', `${APP}-app-1`)
    const result = await cli.run(['apps', 'update', SERVER, APP, '--json'])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout.trim().split('\n').at(-1)).toContain('"up-to-date"')
    expect(await inspect('{{.Id}}', `${APP}-app-1`)).toBe(before)
  })

  it('recreates the container when the secret file changes, from the folder remembered at install', async () => {
    const before = await inspect('{{.Id}}', `${APP}-app-1`)
    current = password(2)
    fs.writeFileSync(secretFile, current)
    const result = await cli.run(['apps', 'update', SERVER, APP, '--json'])
    expect(result.code, result.stderr).toBe(0)
    const last = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { status: string; recreated: string[] }
    expect(last).toMatchObject({ status: 'updated', recreated: [`${APP}-app-1`] })
    expect(result.stdout + result.stderr).not.toContain(current)
    expect(await inspect('{{.Id}}', `${APP}-app-1`)).not.toBe(before)
    expect(await inContainer('/run/secrets/db-password')).toBe(sha256(current))
    expect(serverMode('db-password')).toBe(0o400)
  })

  it('refuses an update whose secret file went missing, leaving the app as it was', async () => {
    const before = await inspect('{{.Id}} {{.State.Status}}', `${APP}-app-1`)
    fs.rmSync(secretFile)
    try {
      const result = await cli.run(['apps', 'update', SERVER, APP])
      expect(result.code).not.toBe(0)
      expect(result.stderr).toMatch(/SECRET_SOURCE_MISSING/)
      expect(await inspect('{{.Id}} {{.State.Status}}', `${APP}-app-1`)).toBe(before)
      expect(await inContainer('/run/secrets/db-password')).toBe(sha256(current))
    } finally {
      fs.writeFileSync(secretFile, current)
    }
  })
})
