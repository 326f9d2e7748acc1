// The two-service test app (web + a healthchecked dependency) through `homeport apps`: plan, install with
// JSON progress, list, open through the local forward, logs, no-op re-apply, a broken update that rolls
// back, and a named volume that only `remove --volumes --yes` deletes.

import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppDto, JobDto, PlanDto } from '../../../shared/contract/index.js'
import { docker, useHomeServer } from '../../homeserver/helpers.js'
import type { CliSandbox } from '../cli/run-cli.js'
import { twoServiceCompose } from '../apps/two-service-compose.js'
import { appFolder, appsSandbox, buildWebImage, inspect, projectLeftovers, pushAs, SERVER, startCli } from './cli-apps-helpers.js'

const hs = useHomeServer()
const APP = 'hp-cli-twosvc'
const PORT = '18091'

const COMPOSE = twoServiceCompose({ web: 'docker.io/homeport/cli-web:1', db: 'docker.io/homeport/busybox:1', dbPrelude: 'echo db ready; echo db warning >&2; ' })

const portClosed = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect(port, '127.0.0.1')
    s.once('connect', () => (s.destroy(), resolve(false)))
    s.once('error', () => resolve(true))
  })

describe('homeport apps with a two-service compose file', () => {
  const GOOD_WEB = `${hs.registry}/homeport/cli-web:good`
  let cli: CliSandbox
  let file: string
  const ids = () => inspect('{{.Id}}', `${APP}-web-1`, `${APP}-db-1`)

  beforeAll(async () => {
    await docker(['rm', '-f', `${APP}-web-1`, `${APP}-db-1`]).catch(() => '')
    // An image with a layer of its own, absent from the engine: the install really downloads it.
    await buildWebImage(hs, GOOD_WEB)
    await docker(['push', '--quiet', GOOD_WEB])
    await pushAs(hs, GOOD_WEB, 'homeport/cli-web:1')
    await docker(['rmi', GOOD_WEB, `${hs.registry}/homeport/cli-web:1`])
    cli = await appsSandbox(hs)
    file = path.join(cli.home, 'compose.yml')
    fs.writeFileSync(file, COMPOSE)
    fs.writeFileSync(path.join(cli.home, '.env'), `WEB_PORT=${PORT}\n`)
  })

  afterAll(async () => {
    await cli?.run(['apps', 'remove', SERVER, APP, '--volumes', '--yes'])
    await docker(['volume', 'rm', '-f', `${APP}_data`]).catch(() => '')
    cli?.dispose()
  })

  it('plans the install readably and as JSON, creating nothing', async () => {
    const human = await cli.run(['apps', 'plan', SERVER, '--file', file, '--name', APP])
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toMatch(new RegExp(`pull\\s+${hs.registry}/homeport/cli-web:1`))
    expect(human.stdout).toMatch(new RegExp(`create\\s+${APP}_default`))
    expect(human.stdout).toMatch(new RegExp(`create\\s+${APP}-db-1\\s+new`))
    const plan = await cli.json<PlanDto>(['apps', 'plan', SERVER, '--file', file, '--name', APP])
    expect(plan.containers.map((c) => [c.service, c.action])).toEqual([['db', 'create'], ['web', 'create']])
    expect(plan.volumes).toEqual([{ name: `${APP}_data`, action: 'create' }])
    expect(await projectLeftovers(APP)).toEqual({ containers: [], networks: [], volumes: [] })
  })

  it('installs with --json progress lines that end with status installed', async () => {
    const result = await cli.run(['apps', 'install', SERVER, '--file', file, '--name', APP, '--json'])
    expect(result.code, result.stderr).toBe(0)
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines.length).toBeGreaterThan(2)
    expect(lines.at(-1)).toMatchObject({ status: 'installed', app: APP })
    const updates = lines.slice(0, -1) as unknown as JobDto[]
    expect(updates.every((u) => u.kind === 'install')).toBe(true)
    expect(updates.some((u) => u.items.some((i) => i.key.includes('cli-web') && i.total > 0 && i.current === i.total))).toBe(true)
    expect(updates.at(-1)?.state).toBe('succeeded')

    expect((await inspect('{{.Name}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}', `${APP}-db-1`, `${APP}-web-1`)).split('\n')).toEqual([
      `/${APP}-db-1 running healthy`,
      `/${APP}-web-1 running`,
    ])
    const dir = appFolder(hs, APP)
    expect(fs.readFileSync(`${dir}/compose.yml`, 'utf8')).toBe(COMPOSE)
    const ps = execFileSync('docker-compose', ['-f', `${dir}/compose.yml`, '-p', APP, 'ps'], { cwd: dir, encoding: 'utf8', env: { ...process.env, DOCKER_HOST: hs.dockerHost } })
    expect(ps).toContain(`${APP}-web-1`)
    expect(ps).toContain(`${APP}-db-1`)
  })

  it('lists the app as managed, running and healthy', async () => {
    const apps = await cli.json<AppDto[]>(['apps', 'list', SERVER])
    expect(apps.find((a) => a.name === APP)).toMatchObject({ state: 'running', managed: true, health: 'healthy' })
    const human = await cli.run(['apps', 'list', SERVER])
    expect(human.stdout).toMatch(new RegExp(`^${APP}\\s+running\\s+healthy\\s+yes`, 'm'))
  })

  it('serves the page through `apps open` until the command is stopped', async () => {
    const open = startCli(cli, ['apps', 'open', SERVER, APP])
    let url: string
    try {
      url = await open.waitForLine(/^http:\/\/127\.0\.0\.1:\d+\//)
      const page = await fetch(url).then((r) => r.text())
      expect(page).toContain('homeport test app')
    } finally {
      open.child.kill('SIGTERM')
    }
    expect(await open.exited).toBe(0)
    expect(await portClosed(Number(new URL(url).port))).toBe(true)
  })

  it('prints logs prefixed with the service, stderr kept apart, filtered by --grep', async () => {
    const logs = await cli.run(['apps', 'logs', SERVER, APP])
    expect(logs.code, logs.stderr).toBe(0)
    expect(logs.stdout).toMatch(/^db\s+\| db ready$/m)
    expect(logs.stderr).toMatch(/^db\s+\| db warning$/m)
    expect(logs.stdout).not.toContain('db warning')
    const grep = await cli.run(['apps', 'logs', SERVER, APP, '--service', 'db', '--grep', 'ready', '--json'])
    expect(grep.stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual([{ service: 'db', stream: 'stdout', text: 'db ready' }])
  })

  it('stamps each line with --timestamps and keeps only lines since --since', async () => {
    const stamped = await cli.run(['apps', 'logs', SERVER, APP, '--service', 'db', '--grep', 'ready', '--timestamps', '--json'])
    expect(stamped.code, stamped.stderr).toBe(0)
    const [line] = stamped.stdout.trim().split('\n').map((l) => JSON.parse(l) as { time?: string; text: string })
    expect(line.text).toBe('db ready')
    expect(Number.isNaN(Date.parse(line.time ?? ''))).toBe(false)
    const human = await cli.run(['apps', 'logs', SERVER, APP, '--service', 'db', '--grep', 'ready', '-t'])
    expect(human.stdout).toMatch(/^db\s+\| \d{4}-\d\d-\d\dT\S+ db ready$/m)

    expect((await cli.run(['apps', 'logs', SERVER, APP, '--service', 'db', '--since', '1d'])).stdout).toMatch(/db ready/)
    const later = await cli.run(['apps', 'logs', SERVER, APP, '--service', 'db', '--since', String(Math.floor(Date.now() / 1000) + 3600)])
    expect(later.code, later.stderr).toBe(0)
    expect(later.stdout).toBe('')
    const bad = await cli.run(['apps', 'logs', SERVER, APP, '--since', 'yesterday-ish'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/^error INVALID_INPUT: --since "yesterday-ish" is not a time/)
  })

  it('follows logs until interrupted', async () => {
    const follow = startCli(cli, ['apps', 'logs', SERVER, APP, '--follow', '--service', 'db', '--tail', '5'])
    await follow.waitForLine(/db ready/)
    follow.child.kill('SIGINT')
    expect(await follow.exited).toBe(0)
  })

  it('re-applies an unchanged app without recreating anything', async () => {
    const before = await ids()
    const update = await cli.run(['apps', 'update', SERVER, APP])
    expect(update.code, update.stderr).toBe(0)
    expect(update.stdout).toContain(`${APP} is already up to date`)
    const json = await cli.run(['apps', 'update', SERVER, APP, '--json'])
    expect(JSON.parse(json.stdout.trim().split('\n').at(-1) ?? '{}')).toMatchObject({ status: 'up-to-date', app: APP })
    expect(await ids()).toBe(before)
    const plan = await cli.json<PlanDto>(['apps', 'plan', SERVER, '--file', file, '--name', APP])
    expect(plan.containers.every((c) => c.action === 'keep')).toBe(true)
  })

  it('stops and starts the app', async () => {
    const stop = await cli.run(['apps', 'stop', SERVER, APP])
    expect(stop.code, stop.stderr).toBe(0)
    expect(stop.stderr).toContain(`Stopping 2 containers of ${APP}…`)
    expect(await inspect('{{.State.Status}}', `${APP}-web-1`, `${APP}-db-1`)).toBe('exited\nexited')
    const start = await cli.run(['apps', 'start', SERVER, APP])
    expect(start.code, start.stderr).toBe(0)
    expect(await inspect('{{.State.Status}}', `${APP}-web-1`, `${APP}-db-1`)).toBe('running\nrunning')
  })

  it('rolls an update with a broken image back, says so, and keeps the volume', async () => {
    await docker(['exec', `${APP}-web-1`, 'sh', '-c', 'echo kept > /www/data/marker'])
    const oldImage = await inspect('{{.Image}}', `${APP}-web-1`)
    await docker(['create', '--name', 'hp-cli-broken-src', `${hs.registry}/homeport/busybox:1`])
    await docker(['commit', '--change', 'CMD ["sh", "-c", "exit 3"]', 'hp-cli-broken-src', `${hs.registry}/homeport/cli-web:1`])
    await docker(['rm', 'hp-cli-broken-src'])
    await docker(['push', '--quiet', `${hs.registry}/homeport/cli-web:1`])
    try {
      const update = await cli.run(['apps', 'update', SERVER, APP, '--verify-timeout', '20'])
      expect(update.code).toBe(1)
      expect(update.stderr).toMatch(/^error APP_START_FAILED: .*[Rr]olled back/m)
      expect(await inspect('{{.Image}} {{.State.Status}}', `${APP}-web-1`)).toBe(`${oldImage} running`)
      expect(await docker(['exec', `${APP}-web-1`, 'cat', '/www/data/marker'])).toBe('kept\n')
    } finally {
      await docker(['pull', '--quiet', GOOD_WEB])
      await pushAs(hs, GOOD_WEB, 'homeport/cli-web:1')
    }
  })

  it('refuses a port another container already publishes with PORT_IN_USE and creates nothing', async () => {
    const other = 'hp-cli-portclash'
    const clash = path.join(cli.home, 'clash.yml')
    fs.writeFileSync(clash, `services:\n  web:\n    image: docker.io/homeport/busybox:1\n    ports:\n      - "127.0.0.1:${PORT}:80"\n`)
    const result = await cli.run(['apps', 'install', SERVER, '--file', clash, '--name', other])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(new RegExp(`^error PORT_IN_USE: Port ${PORT}/tcp .*${APP}-web-1`, 'm'))
    expect(result.stderr).toMatch(/^hint: /m)
    expect(await projectLeftovers(other)).toEqual({ containers: [], networks: [], volumes: [] })
    expect(fs.existsSync(appFolder(hs, other))).toBe(false)
  })

  it('keeps the volume on remove, and deletes it only with --volumes --yes', async () => {
    const refused = await cli.run(['apps', 'remove', SERVER, APP, '--volumes'])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/^error INVALID_INPUT: .*confirmation/m)
    expect((await projectLeftovers(APP)).containers).toHaveLength(2)

    const kept = await cli.run(['apps', 'remove', SERVER, APP])
    expect(kept.code, kept.stderr).toBe(0)
    expect(await projectLeftovers(APP)).toEqual({ containers: [], networks: [], volumes: [`${APP}_data`] })

    // Reinstall finds the kept data.
    const again = await cli.run(['apps', 'install', SERVER, '--file', file, '--name', APP])
    expect(again.code, again.stderr).toBe(0)
    expect(await docker(['exec', `${APP}-web-1`, 'cat', '/www/data/marker'])).toBe('kept\n')

    const gone = await cli.run(['apps', 'remove', SERVER, APP, '--volumes', '--yes'])
    expect(gone.code, gone.stderr).toBe(0)
    expect(await projectLeftovers(APP)).toEqual({ containers: [], networks: [], volumes: [] })
    expect(fs.existsSync(appFolder(hs, APP))).toBe(false)
  })
})
