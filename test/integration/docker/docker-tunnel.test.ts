// Docker through the SSH tunnel, against the real test home server: the engine is reached only through
// channels on one SSH connection, and every outcome is checked against the engine itself.

import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { toDockerError } from '../../../electron/core/docker/docker-errors.js'
import { discoverDockerEndpoint } from '../../../electron/core/docker/socket-discovery.js'
import { docker, homeportFailure, useHomeServer } from '../../homeserver/helpers.js'
import { childPids, readPidFile } from '../../homeserver/process.js'
import { cutAndReconnect, useDockerService } from './test-session.js'

const info = useHomeServer()
const prefix = `hp-dtun-${randomBytes(3).toString('hex')}-`

async function engineVersion(): Promise<{ version: string; apiVersion: string }> {
  const [version, apiVersion] = (await docker(['version', '--format', '{{.Server.Version}} {{.Server.APIVersion}}'])).trim().split(' ')
  return { version, apiVersion }
}


describe('Docker over the stream-local tunnel', () => {
  const docked = useDockerService(info, prefix)

  it("info reports the engine's own version through a stream-local channel", async () => {
    const dockerInfo = await docked.service.info()
    expect({ version: dockerInfo.version, apiVersion: dockerInfo.apiVersion }).toEqual(await engineVersion())
    expect(dockerInfo.transport).toBe('stream-local')
    expect(dockerInfo.socket).toBe(info.dockerSocket)
    expect(dockerInfo.os).toBe('linux')
  })

  it('drops channels pooled on a lost connection, so the first call after the reconnect is answered', async () => {
    // Several calls leave idle keep-alive channels in the agent's pool.
    await Promise.all([docked.service.listContainers({ all: true }), docked.service.listContainers({ all: true }), docked.service.info()])
    await cutAndReconnect(docked.ssh.session)
    const names = await Promise.race([
      docked.service.listContainers({ all: true }).then((list) => list.map((c) => c.name)),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the call after the reconnect never returned')), 15_000)),
    ])
    expect(names).toEqual(expect.any(Array))
  })

  it("finds the socket through DOCKER_HOST in the user's ~/.profile", async () => {
    // The engine's socket sits outside every default location: only the profile's DOCKER_HOST names it.
    expect(info.dockerSocket).not.toMatch(/^\/(var\/)?run\/docker\.sock$/)
    const endpoint = await discoverDockerEndpoint(docked.ssh.session, 'home')
    expect(endpoint.dockerHost).toBe(info.dockerHost)
    expect(endpoint.socket).toBe(info.dockerSocket)
    expect(endpoint.user).toBe(info.user)
  })

  it('lists a container started with the docker CLI on the server, named without the leading slash', async () => {
    const name = `${prefix}list`
    const id = (await docker(['run', '-d', '--name', name, '--label', 'homeport.test=list', info.images[0], '/bin/busybox', 'sleep', '600'])).trim()
    const containers = await docked.service.listContainers({ all: true })
    const found = containers.find((c) => c.name === name)
    expect(found).toMatchObject({ id, name, image: info.images[0], state: 'running', labels: { 'homeport.test': 'list' } })

    await docker(['stop', '-t', '0', name])
    const running = await docked.service.listContainers({ all: false })
    expect(running.map((c) => c.name)).not.toContain(name)
    const all = await docked.service.listContainers({ all: true })
    expect(all.find((c) => c.name === name)?.state).toBe('exited')
  })

  it('answers 50 concurrent container lists over the one SSH connection', async () => {
    const name = `${prefix}many`
    await docker(['run', '-d', '--name', name, info.images[0], '/bin/busybox', 'sleep', '600'])
    const listener = await readPidFile(join(info.workDir, 'sshd.pid'))
    expect(listener).toBeDefined()
    const lists = await Promise.all(Array.from({ length: 50 }, () => docked.service.listContainers({ all: true })))
    expect(lists).toHaveLength(50)
    for (const list of lists) expect(list.map((c) => c.name)).toContain(name)
    // sshd forks one process per client connection: still only ours.
    expect(childPids(listener as number)).toHaveLength(1)
  })

  it("maps an engine error that came through the tunnel to DOCKER_ERROR with the engine's text", async () => {
    const dockerode = await docked.service.docker()
    const raw = await dockerode
      .getContainer(`${prefix}does-not-exist`)
      .inspect()
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    const err = toDockerError(raw, 'home', 'inspect the container')
    expect(err.code).toBe('DOCKER_ERROR')
    expect(err.message).toBe('Docker on home could not inspect the container (HTTP 404).')
    expect(err.details).toContain('No such container')
  })
})

describe('Docker where sshd forbids stream-local forwarding', () => {
  const docked = useDockerService(info, prefix, { port: info.noStreamLocalPort, serverName: 'locked-down' })

  it('falls back to docker system dial-stdio over exec and still reaches the engine', async () => {
    const dockerInfo = await docked.service.info()
    expect(dockerInfo.transport).toBe('dial-stdio')
    expect(dockerInfo.socket).toBe('dial-stdio')
    expect({ version: dockerInfo.version, apiVersion: dockerInfo.apiVersion }).toEqual(await engineVersion())

    const name = `${prefix}stdio`
    await docker(['run', '-d', '--name', name, info.images[0], '/bin/busybox', 'sleep', '600'])
    const lists = await Promise.all(Array.from({ length: 20 }, () => docked.service.listContainers({ all: true })))
    for (const list of lists) expect(list.find((c) => c.name === name)?.state).toBe('running')
  })
})

describe('Docker for a user outside group docker', () => {
  const docked = useDockerService(info, prefix, { passwordLogin: { user: info.noDockerUser, password: info.noDockerPassword } })

  it('fails with DOCKER_PERMISSION and the usermod fix naming the user', async () => {
    const err = await homeportFailure(docked.service.listContainers())
    expect(err.code).toBe('DOCKER_PERMISSION')
    expect(err.message).toContain(info.noDockerUser)
    expect(err.message).toContain(info.dockerSocket)
    expect(err.hint).toContain(`sudo usermod -aG docker ${info.noDockerUser}`)
    // And the engine really does refuse this user: the same call with the CLI on the server fails.
    const direct = await docked.ssh.session.exec(['docker', 'ps'], { loginShell: true })
    expect(direct.code).not.toBe(0)
    expect(direct.stderr).toMatch(/permission denied/i)
  })
})
