// dockerode itself, talking HTTP to a small engine stand-in on a unix socket that answers the way dockerd
// does (JSON errors, 304 for a no-op start) or cuts the socket under a request, as a dropped tunnel does.

import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import Dockerode from 'dockerode'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { dockerAccess, dockerFailure } from './docker-access.js'
import { HomeportError } from '../../../shared/errors.js'
import { DockerError, toDockerError } from './docker-errors.js'

const CREATED = 'f'.repeat(64)

describe('dockerAccess', () => {
  let dir: string
  let server: http.Server
  let docker: Dockerode
  let raw: Dockerode
  const seen: string[] = []
  /** Requests (by "METHOD path") whose socket is cut, as many times as listed. */
  let drops: string[] = []

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homeport-docker-access-'))
    const socketPath = path.join(dir, 'docker.sock')
    server = http.createServer((req, res) => {
      const key = `${req.method} ${req.url?.split('?')[0]}`
      seen.push(key)
      const drop = drops.indexOf(key)
      if (drop !== -1) {
        drops.splice(drop, 1)
        return req.socket.destroy()
      }
      const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
      if (key === 'GET /containers/json') return json(200, [])
      if (key === 'GET /containers/abc/json') return json(404, { message: 'No such container: abc' })
      if (key === 'POST /containers/abc/start') return res.writeHead(304).end()
      if (key === 'POST /containers/create') return json(201, { Id: CREATED, Warnings: [] })
      if (key === `POST /containers/${CREATED}/stop`) return json(403, { message: 'authorization denied by plugin' })
      json(500, { message: `unexpected ${key}` })
    })
    await new Promise<void>((resolve) => server.listen(socketPath, resolve))
    raw = new Dockerode({ socketPath })
    docker = dockerAccess(raw, 'nas')
  })

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve))
    fs.rmSync(dir, { recursive: true, force: true })
  })

  beforeEach(() => {
    seen.length = 0
    drops = []
  })

  it("maps an engine answer, naming the action and the server, with the engine's text in details", async () => {
    const err = await docker.getContainer('abc').inspect().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DockerError)
    expect(err).toMatchObject({ code: 'DOCKER_ERROR', message: 'Docker on nas could not inspect container abc (HTTP 404).', details: 'No such container: abc', statusCode: 404 })
  })

  it('keeps the HTTP status readable, so a 304 (already started) can be told apart', async () => {
    await expect(docker.getContainer('abc').start()).rejects.toMatchObject({ statusCode: 304 })
  })

  it('sends a read once more after the connection dropped under it', async () => {
    drops = ['GET /containers/json']
    await expect(docker.listContainers({ all: true })).resolves.toEqual([])
    expect(seen).toEqual(['GET /containers/json', 'GET /containers/json'])
  })

  it('gives up on a read after one retry, as CONNECTION_LOST', async () => {
    drops = ['GET /containers/json', 'GET /containers/json']
    await expect(docker.listContainers()).rejects.toMatchObject({ code: 'CONNECTION_LOST', message: 'The connection to nas was lost while trying to list containers.' })
    expect(seen).toHaveLength(2)
  })

  it('repeats a cut read only once the server answers again, and fails with the reason when it does not in time', async () => {
    const unreachable = new HomeportError('UNREACHABLE', 'hptest@nas:22 refused the connection (nothing listens on that port).')
    let waited = 0
    const patient = dockerAccess(raw, 'nas', { awaitServer: async () => void waited++ })
    drops = ['GET /containers/json']
    await expect(patient.listContainers()).resolves.toEqual([])
    expect(waited).toBe(1)
    seen.length = 0
    const outOfReach = dockerAccess(raw, 'nas', { awaitServer: () => Promise.reject(unreachable) })
    drops = ['GET /containers/json']
    await expect(outOfReach.listContainers()).rejects.toMatchObject({ code: 'UNREACHABLE', message: unreachable.message })
    expect(seen).toEqual(['GET /containers/json'])
  })

  it('never repeats a write: the engine may have done it before the connection went', async () => {
    drops = ['POST /containers/create']
    await expect(docker.createContainer({ name: 'web-1', Image: 'busybox' })).rejects.toMatchObject({
      code: 'CONNECTION_LOST',
      message: 'The connection to nas was lost while trying to create container web-1.',
    })
    expect(seen).toEqual(['POST /containers/create'])
  })

  it('maps calls on the objects it hands out too', async () => {
    const container = await docker.createContainer({ name: 'web-1', Image: 'busybox' })
    expect(container.id).toBe(CREATED)
    await expect(container.stop()).rejects.toMatchObject({ code: 'DOCKER_PERMISSION', message: 'Docker on nas refused to stop container ffffffffffff.' })
  })

  it('lets a caller that knows the action better word the failure again', async () => {
    const err = await docker.getContainer('abc').inspect().catch((e: unknown) => e)
    expect(toDockerError(err, 'nas', 'open the terminal of web')).toMatchObject({ code: 'DOCKER_ERROR', message: 'Docker on nas could not open the terminal of web (HTTP 404).' })
  })

  it('maps a raw modem call the same way, naming the server it was made for', async () => {
    const err = await new Promise<unknown>((resolve) => {
      docker.modem.dial({ path: '/containers/abc/json?', method: 'GET', statusCodes: { 200: true, 404: 'no such container' }, options: {} }, (e: unknown) => resolve(e))
    })
    expect(dockerFailure(docker, err, 'read the logs of container abc')).toMatchObject({ code: 'DOCKER_ERROR', message: 'Docker on nas could not read the logs of container abc (HTTP 404).' })
    expect(dockerFailure(raw, err, 'read the logs of container abc').message).toContain('Docker on the server could not')
  })
})
