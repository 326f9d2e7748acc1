// One container outside any app, driven through the core as the server page's container table does: stop,
// start, restart and its output, each checked on the engine; a shell in it; and a shell on the server itself
// (an SSH pty on the server's one connection) that runs `hostname`.

import os from 'node:os'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { homeportFailure, useHomeServer } from '../../homeserver/helpers.js'
import { homeServerInput, openTestCore, type TestCore } from '../core/test-core.js'
import { docker, removeEngineThings } from './engine-fixture.js'

const hs = useHomeServer()
const PREFIX = `hpsh${process.pid}`
const CONTAINER = `${PREFIX}-ctr`
const serverId = 'home'
const state = async () => docker(['inspect', '--format', '{{.State.Status}} {{.State.StartedAt}}', CONTAINER])

/** Opens a terminal, types `input`, and resolves with everything it printed once it has exited. */
async function session(t: TestCore, terminalId: string, input: string): Promise<{ output: string; code?: number }> {
  await t.call('terminal.input', { terminalId, data: input })
  await expect.poll(() => t.of('terminal.exit').some((e) => e.terminalId === terminalId), { timeout: 30_000 }).toBe(true)
  const output = t.of('terminal.output').filter((e) => e.terminalId === terminalId).map((e) => e.data).join('')
  return { output, code: t.of('terminal.exit').find((e) => e.terminalId === terminalId)?.code }
}

describe('containers and shells through the core', () => {
  let t: TestCore

  beforeAll(async () => {
    await docker(['run', '-d', '--name', CONTAINER, '--network', 'none', hs.images[0], 'sh', '-c', 'echo started-once; trap "exit 0" TERM; while true; do sleep 1; done'])
    t = await openTestCore()
    await t.call('servers.add', homeServerInput(hs))
  }, 60_000)

  afterAll(async () => {
    await t?.close()
    await removeEngineThings(PREFIX)
  })

  it('stops, starts and restarts a container that belongs to no app', async () => {
    const stopped = await t.call('docker.containerAction', { serverId, container: CONTAINER, action: 'stop' })
    expect(stopped).toMatchObject({ name: CONTAINER, state: 'exited' })
    expect((await state()).split(' ')[0]).toBe('exited')
    // Stopping a stopped container is no error (Docker's "not modified").
    expect((await t.call('docker.containerAction', { serverId, container: CONTAINER, action: 'stop' })).state).toBe('exited')

    expect((await t.call('docker.containerAction', { serverId, container: CONTAINER, action: 'start' })).state).toBe('running')
    const [, startedAt] = (await state()).split(' ')
    const restarted = await t.call('docker.containerAction', { serverId, container: stopped.id.slice(0, 12), action: 'restart' })
    expect(restarted.state).toBe('running')
    const [status, startedAgain] = (await state()).split(' ')
    expect(status).toBe('running')
    expect(startedAgain).not.toBe(startedAt)
  })

  it("reads a container's output", async () => {
    const lines = await t.call('docker.containerLogs', { serverId, container: CONTAINER, tail: 100 })
    // It started three times above: once by docker run, then start and restart.
    expect(lines.filter((l) => l.text === 'started-once')).toHaveLength(3)
    expect(lines[0]).toMatchObject({ service: CONTAINER, stream: 'stdout' })
  })

  it('refuses a container that is not there, in words', async () => {
    const missing = await homeportFailure(t.call('docker.containerAction', { serverId, container: `${PREFIX}-nope`, action: 'start' }))
    expect(missing).toMatchObject({ code: 'NOT_FOUND', message: `There is no container "${PREFIX}-nope" on home.` })
    expect((await t.refused('docker.containerAction', { serverId, container: CONTAINER, action: 'kill' })).code).toBe('INVALID_INPUT')
    // A name is a name: nothing that could walk the engine's API paths gets through.
    expect((await t.refused('docker.containerAction', { serverId, container: '../images/x', action: 'start' })).message).toContain('must be a container name or id')
  })

  it('opens a shell in the container', async () => {
    const { terminalId } = await t.call('terminal.openContainer', { serverId, container: CONTAINER, cols: 100, rows: 30 })
    const { output, code } = await session(t, terminalId, 'echo inside-$((40+2)); cat /etc/homeport-image; exit 3\n')
    expect(output).toContain('inside-42')
    expect(output).toMatch(/busybox 1|httpd 1/)
    expect(code).toBe(3)
    await docker(['stop', '-t', '1', CONTAINER])
    const refused = await homeportFailure(t.call('terminal.openContainer', { serverId, container: CONTAINER }))
    expect(refused).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('is not running') })
  })

  it('opens a login shell on the server itself, in a pty of the asked size', async () => {
    const { terminalId } = await t.call('terminal.openHost', { serverId, cols: 123, rows: 41 })
    await t.call('terminal.resize', { terminalId, cols: 132, rows: 43 })
    const { output, code } = await session(t, terminalId, 'hostname; whoami; stty size; exit 0\n')
    expect(output).toContain(os.hostname())
    expect(output).toContain(hs.user)
    expect(output).toContain('43 132')
    expect(code).toBe(0)
    expect((await homeportFailure(t.call('terminal.input', { terminalId, data: 'x' }))).code).toBe('NOT_FOUND')
  })
})
