import { describe, expect, it } from 'vitest'
import { HomeportError } from '../../../shared/errors.js'
import { toDockerError } from './docker-errors.js'
import { dialStdioError } from './dial-stdio-stream.js'
import { toContainerDto } from './docker-service.js'

function dockerodeError(statusCode: number, message: string): Error {
  return Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message} `), { statusCode, json: { message } })
}

describe('toDockerError', () => {
  it('keeps connection codes', () => {
    const lost = new HomeportError('UNREACHABLE', 'gone')
    expect(toDockerError(lost, 'nas', 'list containers')).toBe(lost)
  })

  it('maps 403 and EACCES to DOCKER_PERMISSION', () => {
    expect(toDockerError(dockerodeError(403, 'authorization denied'), 'nas', 'list containers').code).toBe('DOCKER_PERMISSION')
    expect(toDockerError(Object.assign(new Error('connect EACCES'), { code: 'EACCES' }), 'nas', 'x').code).toBe('DOCKER_PERMISSION')
  })

  it('maps engine answers to DOCKER_ERROR with the engine text in details', () => {
    const err = toDockerError(dockerodeError(404, 'No such container: web'), 'nas', 'inspect web')
    expect(err.code).toBe('DOCKER_ERROR')
    expect(err.message).toBe('Docker on nas could not inspect web (HTTP 404).')
    expect(err.details).toBe('No such container: web')
  })

  it('maps a dropped channel to CONNECTION_LOST', () => {
    expect(toDockerError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'nas', 'x').code).toBe('CONNECTION_LOST')
  })
})

describe('dialStdioError', () => {
  it('tells down, permission and missing CLI apart from what docker printed', () => {
    expect(dialStdioError('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?', 1, 'nas').code).toBe('DOCKER_DOWN')
    expect(dialStdioError('permission denied while trying to connect to the Docker daemon socket', 1, 'nas').code).toBe('DOCKER_PERMISSION')
    expect(dialStdioError('sh: 1: docker: not found', 127, 'nas').code).toBe('DOCKER_NOT_INSTALLED')
  })
})

describe('toContainerDto', () => {
  it('drops the leading slash of the name and maps ports', () => {
    const dto = toContainerDto({
      Id: 'abc123',
      Names: ['/web'],
      Image: 'nginx',
      ImageID: 'sha256:1',
      Command: 'nginx',
      Created: 1700000000,
      Ports: [{ IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }, { IP: '', PrivatePort: 443, PublicPort: 0, Type: 'tcp' }],
      Labels: { 'com.docker.compose.project': 'web' },
      State: 'running',
      Status: 'Up 2 minutes',
      HostConfig: { NetworkMode: 'bridge' },
      NetworkSettings: { Networks: {} },
      Mounts: [],
    })
    expect(dto).toEqual({
      id: 'abc123',
      name: 'web',
      image: 'nginx',
      state: 'running',
      status: 'Up 2 minutes',
      ports: [{ ip: '0.0.0.0', privatePort: 80, publicPort: 8080, type: 'tcp' }, { privatePort: 443, type: 'tcp' }],
      created: 1700000000,
      labels: { 'com.docker.compose.project': 'web' },
    })
  })
})
