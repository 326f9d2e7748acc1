import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HomeportError } from '../../../shared/errors.js'
import { chooseEndpoint, DISCOVERY_SCRIPT, parseDiscoveryOutput, type DiscoveryReport } from './socket-discovery.js'

const run = promisify(execFile)

function report(partial: Partial<DiscoveryReport>): DiscoveryReport {
  return { user: 'alice', uid: 1000, candidates: [], ...partial }
}

function thrown(fn: () => unknown): HomeportError {
  try {
    fn()
  } catch (err) {
    if (err instanceof HomeportError) return err
    throw err
  }
  throw new Error('expected a HomeportError')
}

describe('parseDiscoveryOutput', () => {
  it('reads env lines and socket lines, keeping paths with spaces and dropping duplicates', () => {
    const out = [
      'uid=1000',
      'user=alice',
      'docker_host=unix:///home/alice/my docker.sock',
      'docker_bin=/usr/bin/docker',
      'podman_bin=',
      'socket ok DOCKER_HOST docker /home/alice/my docker.sock',
      'socket denied system docker /var/run/docker.sock',
      'socket missing system - /run/docker.sock',
      'socket ok DOCKER_HOST docker /home/alice/my docker.sock',
      'socket weird system - /x',
    ].join('\n')
    const r = parseDiscoveryOutput(out)
    expect(r).toEqual({
      uid: 1000,
      user: 'alice',
      dockerHost: 'unix:///home/alice/my docker.sock',
      dockerBinary: '/usr/bin/docker',
      candidates: [
        { path: '/home/alice/my docker.sock', access: 'ok', source: 'DOCKER_HOST', group: 'docker' },
        { path: '/var/run/docker.sock', access: 'denied', source: 'system', group: 'docker' },
        { path: '/run/docker.sock', access: 'missing', source: 'system' },
      ],
    })
  })
})

describe('chooseEndpoint', () => {
  it('takes the first usable socket, in the order the script checked them', () => {
    const r = report({
      dockerBinary: '/usr/bin/docker',
      candidates: [
        { path: '/var/run/docker.sock', access: 'denied', source: 'system' },
        { path: '/run/user/1000/docker.sock', access: 'ok', source: 'rootless' },
        { path: '/run/user/1000/podman/podman.sock', access: 'ok', source: 'podman-rootless' },
      ],
    })
    expect(chooseEndpoint(r, 'nas')).toEqual({ socket: '/run/user/1000/docker.sock', canDialStdio: true, user: 'alice' })
  })

  it('falls back to dial-stdio for a tcp DOCKER_HOST when the docker CLI exists', () => {
    const r = report({ dockerHost: 'tcp://10.0.0.2:2375', dockerBinary: '/usr/bin/docker' })
    expect(chooseEndpoint(r, 'nas')).toEqual({ dockerHost: 'tcp://10.0.0.2:2375', canDialStdio: true, user: 'alice' })
  })

  it('says DOCKER_PERMISSION with the usermod fix when the socket exists but is not ours', () => {
    const err = thrown(() =>
      chooseEndpoint(report({ dockerBinary: '/usr/bin/docker', candidates: [{ path: '/var/run/docker.sock', access: 'denied', source: 'system', group: 'docker' }] }), 'nas'),
    )
    expect(err.code).toBe('DOCKER_PERMISSION')
    expect(err.message).toContain('/var/run/docker.sock')
    expect(err.hint).toContain('sudo usermod -aG docker alice')
    expect(err.hint).toContain('reconnect')
  })

  it('says DOCKER_DOWN when the CLI is installed but no socket exists', () => {
    const err = thrown(() =>
      chooseEndpoint(report({ dockerBinary: '/usr/bin/docker', candidates: [{ path: '/var/run/docker.sock', access: 'missing', source: 'system' }] }), 'nas'),
    )
    expect(err.code).toBe('DOCKER_DOWN')
    expect(err.message).toContain('nas')
  })

  it('says DOCKER_NOT_INSTALLED with neither a CLI nor a socket', () => {
    const err = thrown(() => chooseEndpoint(report({ candidates: [{ path: '/var/run/docker.sock', access: 'missing', source: 'system' }] }), 'nas'))
    expect(err.code).toBe('DOCKER_NOT_INSTALLED')
  })
})

describe('DISCOVERY_SCRIPT under a real sh', () => {
  let dir: string
  let server: net.Server
  let socketPath: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'homeport-discovery-'))
    socketPath = join(dir, "engine's $(x) sock")
    server = net.createServer()
    await new Promise<void>((resolve) => server.listen(socketPath, resolve))
  })
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await rm(dir, { recursive: true, force: true })
  })

  it('finds the socket named by DOCKER_HOST and reports XDG_RUNTIME_DIR candidates', async () => {
    const { stdout } = await run('sh', ['-c', DISCOVERY_SCRIPT, 'discovery'], {
      env: { PATH: '/usr/bin:/bin', DOCKER_HOST: `unix://${socketPath}`, XDG_RUNTIME_DIR: join(dir, 'xdg') },
    })
    const r = parseDiscoveryOutput(stdout)
    expect(r.dockerHost).toBe(`unix://${socketPath}`)
    expect(r.candidates[0]).toMatchObject({ path: socketPath, access: 'ok', source: 'DOCKER_HOST' })
    expect(r.candidates.map((c) => c.path)).toContain(join(dir, 'xdg', 'docker.sock'))
    expect(r.candidates.map((c) => c.path)).toContain(join(dir, 'xdg', 'podman', 'podman.sock'))
    expect(chooseEndpoint(r, 'local').socket).toBe(socketPath)
  })
})
