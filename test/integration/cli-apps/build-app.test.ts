// `homeport apps install --file compose.yml` of an app whose service has `build:`: the image is built on the
// server from the folder beside the compose file, through the one SSH connection, with its steps in the job;
// the container from it runs and answers. An update with nothing changed rebuilds from the cache and leaves
// the app as it is; a broken Dockerfile fails the update naming its step, and the running version stays.

import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JobDto } from '../../../shared/contract/index.js'
import { docker, useHomeServer } from '../../homeserver/helpers.js'
import type { CliSandbox } from '../cli/run-cli.js'
import { appsSandbox, inspect, projectLeftovers, SERVER, startCli } from './cli-apps-helpers.js'

const hs = useHomeServer()
const APP = 'hp-cli-build'
const run = randomBytes(3).toString('hex')
const busybox = () => `${hs.registry}/homeport/busybox:1`

const COMPOSE = `services:
  web:
    build:
      context: ./web
      args:
        GREETING: hello-${run}
    restart: unless-stopped
`

// busybox:1 rather than the shared httpd:1 tag, which other suites retag while testing broken updates.
const DOCKERFILE = () => `FROM ${busybox()}
ARG GREETING
COPY index.html /www/index.html
RUN echo "$GREETING" > /www/greeting.txt
CMD ["httpd", "-f", "-p", "80", "-h", "/www"]
`

describe('homeport apps install of a compose file with build:', () => {
  let cli: CliSandbox
  let file: string
  const page = (name: string) => docker(['exec', `${APP}-web-1`, 'wget', '-qO-', `http://127.0.0.1/${name}`]).catch(() => '')

  beforeAll(async () => {
    await docker(['rm', '-f', `${APP}-web-1`]).catch(() => '')
    cli = await appsSandbox(hs)
    const project = path.join(cli.home, 'my-site')
    fs.mkdirSync(path.join(project, 'web'), { recursive: true })
    file = path.join(project, 'compose.yml')
    fs.writeFileSync(file, COMPOSE)
    fs.writeFileSync(path.join(project, 'web', 'Dockerfile'), DOCKERFILE())
    fs.writeFileSync(path.join(project, 'web', 'index.html'), `site ${run}\n`)
    fs.writeFileSync(path.join(project, 'web', '.dockerignore'), 'notes.txt\n')
    fs.writeFileSync(path.join(project, 'web', 'notes.txt'), 'not for the image\n')
  })

  afterAll(async () => {
    await cli?.run(['apps', 'remove', SERVER, APP, '--volumes', '--yes'])
    await cli?.run(['apps', 'remove', SERVER, `${APP}-stop`, '--volumes', '--yes'])
    await docker(['rmi', '-f', `homeport/${APP}-web:latest`]).catch(() => '')
    cli?.dispose()
  })

  it('plans the image as built, not pulled', async () => {
    const plan = await cli.run(['apps', 'plan', SERVER, '--file', file, '--name', APP])
    expect(plan.code, plan.stderr).toBe(0)
    expect(plan.stdout).toMatch(new RegExp(`build\\s+homeport/${APP}-web:latest\\s+\\(web\\)`))
    expect(plan.stdout).not.toMatch(/^\s+pull\s/m)
  })

  it('builds the image on the server with its steps in the job, and the container runs and answers', async () => {
    const result = await cli.run(['apps', 'install', SERVER, '--file', file, '--name', APP, '--json'])
    expect(result.code, result.stderr).toBe(0)
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines.at(-1)).toMatchObject({ status: 'installed', app: APP })
    const last = lines.at(-2) as unknown as JobDto
    expect(last.state).toBe('succeeded')
    // Each JSON line carries the log lines added since the one before.
    expect(lines.slice(0, -1).flatMap((u) => (u as unknown as JobDto).log)).toEqual(expect.arrayContaining([expect.stringMatching(/^Step 3\/7 : COPY index\.html/), expect.stringMatching(/^Built homeport\/hp-cli-build-web:latest/)]))
    const updates = lines.slice(0, -1) as unknown as JobDto[]
    expect(updates.some((u) => u.step?.startsWith('Building web from '))).toBe(true)
    expect(updates.some((u) => u.items.some((i) => i.key === 'build:web' && i.unit === 'steps' && i.current === i.total && i.total === 7))).toBe(true)

    expect(await inspect('{{.State.Status}} {{.Config.Image}}', `${APP}-web-1`)).toBe(`running homeport/${APP}-web:latest`)
    await expect.poll(() => page('index.html'), { timeout: 30_000 }).toBe(`site ${run}\n`)
    expect(await page('greeting.txt')).toBe(`hello-${run}\n`)
    const labels = JSON.parse(await inspect('{{json .Config.Labels}}', `${APP}-web-1`)) as Record<string, string>
    expect(labels).toMatchObject({ 'io.homeport.app': APP, 'io.homeport.service': 'web', 'com.docker.compose.project': APP })
  })

  it('updates with nothing changed from the cache alone, leaving the container as it is', async () => {
    const before = await inspect('{{.Id}}', `${APP}-web-1`)
    const result = await cli.run(['apps', 'update', SERVER, APP, '--json'])
    expect(result.code, result.stderr).toBe(0)
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines.at(-1)).toMatchObject({ status: 'up-to-date' })
    const log = lines.slice(0, -1).flatMap((u) => (u as unknown as JobDto).log)
    // The app's labels are one step each; FROM is the only step without a cache line.
    expect(log).toEqual(expect.arrayContaining([expect.stringMatching(/^Built homeport\/hp-cli-build-web:latest \(\w+\): 6 of 7 steps from the server's cache$/)]))
    expect(await inspect('{{.Id}}', `${APP}-web-1`)).toBe(before)
  })

  it('fails an update whose Dockerfile breaks, naming the step, and the running version stays', async () => {
    const before = await inspect('{{.Id}}', `${APP}-web-1`)
    const dockerfile = path.join(path.dirname(file), 'web', 'Dockerfile')
    fs.writeFileSync(dockerfile, `${DOCKERFILE()}RUN echo broken-${run} && exit 7\n`)
    try {
      const result = await cli.run(['apps', 'update', SERVER, APP, '--file', file])
      expect(result.code).not.toBe(0)
      expect(result.stderr).toMatch(/BUILD_FAILED/)
      expect(result.stderr).toContain('Step 6/8 : RUN echo broken-')
      expect(await inspect('{{.Id}} {{.State.Status}}', `${APP}-web-1`)).toBe(`${before} running`)
      expect(await page('index.html')).toBe(`site ${run}\n`)
    } finally {
      fs.writeFileSync(dockerfile, DOCKERFILE())
    }
  })

  it('Ctrl-C during the build stops it on the server and installs nothing', async () => {
    const marker = `slow-step-${run}`
    const project = path.join(cli.home, 'slow')
    fs.mkdirSync(path.join(project, 'web'), { recursive: true })
    fs.writeFileSync(path.join(project, 'compose.yml'), 'services:\n  web:\n    build: ./web\n')
    fs.writeFileSync(path.join(project, 'web', 'Dockerfile'), `FROM ${busybox()}\nRUN echo ${marker} && sleep 300\n`)
    const install = startCli(cli, ['apps', 'install', SERVER, '--file', path.join(project, 'compose.yml'), '--name', `${APP}-stop`, '--json'])
    await install.waitForLine(new RegExp(marker))
    install.child.kill('SIGINT')
    expect(await install.exited).not.toBe(0)
    await expect.poll(() => docker(['ps', '-a', '--no-trunc', '--format', '{{.Command}}']), { timeout: 30_000 }).not.toContain(marker)
    expect(await projectLeftovers(`${APP}-stop`)).toEqual({ containers: [], networks: [], volumes: [] })
  })
})
