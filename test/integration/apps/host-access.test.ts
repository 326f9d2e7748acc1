// An app that reaches into the server itself (privileged, the host's network, the Docker socket, powerful
// capabilities…) is shown with each risk in the plan, and installs only with the person's consent; catalog
// apps that need such access say so before anyone installs them.

import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { docker, useHomeServer } from '../../homeserver/helpers.js'
import { homeServerInput, openTestCore, type TestCore } from '../core/test-core.js'

const hs = useHomeServer()
const APP = 'hp-hostaccess'
const appDir = `/home/${hs.user}/.local/share/homeport/apps/${APP}`
const RISKY = `
services:
  agent:
    image: docker.io/homeport/busybox:1
    command: ["sleep", "3600"]
    pid: host
    cap_add: [NET_ADMIN]
    stop_grace_period: 1s
`
const projectContainers = async () => (await docker(['ps', '-a', '--filter', `label=com.docker.compose.project=${APP}`, '-q'])).trim()

describe('host access', () => {
  let t: TestCore

  beforeAll(async () => {
    t = await openTestCore()
    await t.call('servers.add', homeServerInput(hs))
    await t.call('apps.setMirror', { serverId: 'home', mirror: hs.registry })
  })

  afterAll(async () => {
    await t?.call('apps.remove', { serverId: 'home', app: APP, volumes: true, confirm: APP }).catch(() => {})
    await t?.close()
  })

  it('lists every risk in the plan, named, with a sentence on what it allows', async () => {
    const compose = `${RISKY}    privileged: true\n    network_mode: host\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n      - /:/host:ro\n`
    const plan = await t.call('apps.plan', { serverId: 'home', source: { compose }, name: APP, values: {} })
    expect(plan.risks?.map((r) => [r.kind, r.detail])).toEqual([
      ['privileged', 'privileged: true'],
      ['host-network', 'network_mode: host'],
      ['host-pid', 'pid: host'],
      ['capability', 'NET_ADMIN'],
      ['docker-socket', '/var/run/docker.sock'],
      ['host-root', '/'],
    ])
    expect(plan.risks?.find((r) => r.kind === 'docker-socket')?.sentence).toMatch(/full control of the server/)
  })

  it('refuses to install without consent, before anything is changed on the server', async () => {
    const refused = await t.call('apps.install', { serverId: 'home', source: { compose: RISKY }, name: APP, values: {} }).catch((err: unknown) => err as { code: string; message: string; details?: string })
    expect(refused).toMatchObject({ code: 'HOST_ACCESS_NOT_ACCEPTED', message: `"${APP}" asks for access to the server itself (pid: host, NET_ADMIN); it was not installed.` })
    expect((refused as { details?: string }).details).toContain("agent: pid: host — Sees every process of the server")
    expect(await projectContainers()).toBe('')
    expect(fs.existsSync(appDir)).toBe(false)
  })

  it('installs with consent', { timeout: 60_000 }, async () => {
    const { jobId } = await t.call('apps.install', { serverId: 'home', source: { compose: RISKY }, name: APP, values: {}, acceptHostAccess: true })
    expect((await t.finishedJob(jobId)).state).toBe('succeeded')
    expect((await docker(['inspect', '-f', '{{.HostConfig.PidMode}} {{.HostConfig.CapAdd}}', `${APP}-agent-1`])).trim()).toBe('host [NET_ADMIN]')
  })

  it('shows what catalog apps get of the server before they are installed', async () => {
    const { apps } = await t.call('apps.catalog', {})
    const homeAssistant = apps.find((a) => a.id === 'home-assistant')
    expect(homeAssistant?.hostAccess?.map((r) => r.kind)).toEqual(expect.arrayContaining(['privileged', 'host-network']))
    expect(apps.find((a) => a.id === 'pihole')?.hostAccess?.map((r) => r.detail)).toEqual(['NET_ADMIN'])
    expect(apps.find((a) => a.id === 'linkding')?.hostAccess).toBeUndefined()
  })
})
