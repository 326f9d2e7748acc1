// A stack started with docker-compose on the server, outside Homeport, shows up in `apps list` as not
// managed and can be stopped, started and removed through the CLI.

import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppDto } from '../../../shared/contract/index.js'
import { docker, useHomeServer } from '../../homeserver/helpers.js'
import type { CliSandbox } from '../cli/run-cli.js'
import { appsSandbox, inspect, projectLeftovers, SERVER } from './cli-apps-helpers.js'

const hs = useHomeServer()
const STACK = 'hp-cli-external'

describe('homeport apps with a stack docker-compose started', () => {
  let cli: CliSandbox
  let dir: string
  const containerOf = async () => (await projectLeftovers(STACK)).containers

  beforeAll(async () => {
    cli = await appsSandbox(hs)
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homeport-external-'))
    fs.writeFileSync(
      path.join(dir, 'docker-compose.yml'),
      `version: "3.8"\nservices:\n  worker:\n    image: ${hs.registry}/homeport/busybox:1\n    command: ["sleep", "3600"]\n    stop_grace_period: 1s\n`,
    )
    execFileSync('docker-compose', ['-p', STACK, 'up', '-d'], { cwd: dir, env: { ...process.env, DOCKER_HOST: hs.dockerHost }, stdio: 'pipe' })
  })

  afterAll(async () => {
    const left = await containerOf().catch(() => [])
    if (left.length) await docker(['rm', '-f', ...left])
    await docker(['network', 'rm', `${STACK}_default`]).catch(() => '')
    fs.rmSync(dir, { recursive: true, force: true })
    cli?.dispose()
  })

  it('lists the stack as found, not managed', async () => {
    const apps = await cli.json<AppDto[]>(['apps', 'list', SERVER])
    const stack = apps.find((a) => a.name === STACK)
    expect(stack).toMatchObject({ managed: false, state: 'running' })
    expect(stack?.services.map((s) => s.service)).toEqual(['worker'])
    const human = await cli.run(['apps', 'list', SERVER])
    expect(human.stdout).toMatch(new RegExp(`^${STACK}\\s+running\\s+-\\s+no \\(compose\\)`, 'm'))
  })

  it('stops and starts it', async () => {
    const [container] = await containerOf()
    const stopped = await cli.json<AppDto>(['apps', 'stop', SERVER, STACK])
    expect(stopped.state).toBe('stopped')
    expect(await inspect('{{.State.Status}}', container)).toBe('exited')
    const started = await cli.run(['apps', 'start', SERVER, STACK])
    expect(started.code, started.stderr).toBe(0)
    expect(started.stdout).toContain(`${STACK}: running`)
    expect(await inspect('{{.State.Status}}', container)).toBe('running')
  })

  it('removes it', async () => {
    const removed = await cli.run(['apps', 'remove', SERVER, STACK])
    expect(removed.code, removed.stderr).toBe(0)
    expect(await containerOf()).toEqual([])
    const apps = await cli.json<AppDto[]>(['apps', 'list', SERVER])
    expect(apps.find((a) => a.name === STACK)).toBeUndefined()
  })
})
