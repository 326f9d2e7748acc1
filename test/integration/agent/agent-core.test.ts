// The agent through the core, on the test home server: installed over SFTP on first use with its sha256
// checked, older versions removed, an agent of another protocol replaced, and a watch stream that leaves
// nothing running once it is stopped.

import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AgentClient } from '../../../electron/core/agent/agent-client.js'
import { installAgent } from '../../../electron/core/agent/agent-installer.js'
import { bundledAgent, parseAgentScript } from '../../../electron/core/agent/agent-script.js'
import { useHomeServer } from '../../homeserver/helpers.js'
import { openTestSession, type TestSession } from '../docker/test-session.js'
import { homeServerInput, openTestCore, type TestCore } from '../core/test-core.js'

const hs = useHomeServer()
const script = bundledAgent()

function home(user: string): string {
  return execFileSync('getent', ['passwd', user], { encoding: 'utf8' }).split(':')[5]
}
const agentRoot = () => path.join(home(hs.user), '.local/share/homeport/agent')
const owned = (p: string) => execFileSync('chown', ['-R', `${hs.user}:${hs.user}`, p])

describe('the agent through the core', () => {
  let t: TestCore
  beforeAll(async () => {
    rmSync(agentRoot(), { recursive: true, force: true })
    t = await openTestCore()
    await t.call('servers.add', homeServerInput(hs))
  })
  afterAll(async () => t?.close())

  it('is not there at first, then hello installs it with a matching sha256', async () => {
    expect(await t.call('agent.status', { serverId: 'home' })).toEqual({ bundled: script.version, upToDate: false })
    const hello = await t.call('agent.hello', { serverId: 'home' })
    expect(hello).toMatchObject({ agent: script.version, protocol: 1, user: { name: hs.user }, docker: { socket: hs.dockerSocket, socketAccessible: true } })
    const file = path.join(agentRoot(), script.version, 'homeport-agent')
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(script.sha256)
    expect(await t.call('agent.status', { serverId: 'home' })).toMatchObject({ installed: script.version, upToDate: true })
  })

  it('answers metrics for the server', async () => {
    const m = await t.call('agent.metrics', { serverId: 'home' })
    expect(m.memory.totalBytes).toBeGreaterThan(0)
    expect(m.disks.some((d) => d.mount === '/')).toBe(true)
  })

  it('removes older versions when it installs, and replaces an agent of another protocol', async () => {
    const old = path.join(agentRoot(), '0.0.1')
    mkdirSync(old, { recursive: true })
    writeFileSync(path.join(old, 'homeport-agent'), '#!/bin/sh\necho old\n')
    // The current version's file now speaks a protocol this app does not know.
    const current = path.join(agentRoot(), script.version, 'homeport-agent')
    writeFileSync(current, script.text.replace(/^PROTOCOL=\d+$/m, 'PROTOCOL=99'))
    owned(agentRoot())
    const fresh = await openTestCore()
    try {
      await fresh.call('servers.add', homeServerInput(hs))
      expect(await fresh.call('agent.status', { serverId: 'home' })).toMatchObject({ installed: script.version, upToDate: false })
      const hello = await fresh.call('agent.hello', { serverId: 'home' })
      expect(hello.protocol).toBe(1)
      expect(execFileSync('ls', [agentRoot()], { encoding: 'utf8' }).trim().split('\n')).toEqual([script.version])
      expect(createHash('sha256').update(readFileSync(current)).digest('hex')).toBe(script.sha256)
    } finally {
      await fresh.close()
    }
  })

  it('removes an upload whose sha256 does not match on the server and keeps the working agent', async () => {
    // The same script under a version of its own, expecting a sha256 the uploaded bytes cannot have.
    const text = script.text.replace(/^AGENT_VERSION=.*$/m, 'AGENT_VERSION=9.9.9')
    const damaged = { ...parseAgentScript(text), sha256: '0'.repeat(64) }
    const s = await openTestSession(hs)
    try {
      await expect(installAgent(s.session, damaged)).rejects.toMatchObject({ code: 'AGENT_FAILED', message: expect.stringContaining('sha256') })
    } finally {
      await s.close()
    }
    expect(existsSync(path.join(agentRoot(), '9.9.9'))).toBe(false)
    expect(createHash('sha256').update(readFileSync(path.join(agentRoot(), script.version, 'homeport-agent'))).digest('hex')).toBe(script.sha256)
  })

  it('refuses a server name it does not know and a malformed input', async () => {
    expect((await t.refused('agent.hello', { serverId: '' })).code).toBe('INVALID_INPUT')
    await expect(t.call('agent.hello', { serverId: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })
})

describe('the agent watch stream', () => {
  let s: TestSession
  beforeAll(async () => {
    s = await openTestSession(hs)
  })
  afterAll(async () => s?.close())

  const agentProcesses = () =>
    execFileSync('ps', ['-u', hs.user, '-o', 'pid=,args='], { encoding: 'utf8' }).split('\n').filter((l) => l.includes('homeport-agent'))

  it('sends a sample per interval and leaves nothing running on the server once stopped', async () => {
    // Another core connected to this server meanwhile (a running Homeport monitoring it) has watches of its own.
    const others = new Set(agentProcesses())
    const ours = () => agentProcesses().filter((p) => !others.has(p) && p.includes(' watch 1 '))
    const client = new AgentClient(s.session)
    const samples: number[] = []
    let ended = false
    const stop = await client.watch(1, (m) => samples.push(m.time), () => (ended = true))
    await expect.poll(() => samples.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2)
    expect(ours().length).toBeGreaterThan(0)
    stop()
    expect(ended).toBe(true)
    await expect.poll(() => ours(), { timeout: 10_000 }).toEqual([])
  })

  it('leaves nothing running on the server when the whole connection closes mid-watch', async () => {
    const others = new Set(agentProcesses())
    const ours = () => agentProcesses().filter((p) => !others.has(p) && p.includes(' watch 2 '))
    const own = await openTestSession(hs)
    const samples: number[] = []
    await new AgentClient(own.session).watch(2, (m) => samples.push(m.time))
    await expect.poll(() => samples.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(1)
    expect(ours().length).toBeGreaterThan(0)
    await own.close()
    await expect.poll(() => ours(), { timeout: 15_000 }).toEqual([])
  })

  it('refuses an interval out of range before touching the server', async () => {
    await expect(new AgentClient(s.session).watch(0, () => {})).rejects.toMatchObject({ code: 'INVALID_INPUT' })
  })
})
