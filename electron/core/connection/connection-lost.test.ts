import { describe, expect, it } from 'vitest'
import { HomeportError } from '../../../shared/errors.js'
import { isConnectionLost } from './connection-lost.js'

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code })

describe('isConnectionLost', () => {
  it.each([
    ['ssh2: pending requests of a closed client', new Error('No response from server')],
    ['ssh2: a call on a closed client', new Error('Not connected')],
    ['ssh2: a write on a channel of a closed client', new Error('Channel is not open')],
    ['http: a kept-alive channel that died under a request', withCode('socket hang up', 'ECONNRESET')],
    ['http: a response cut in the middle', withCode('aborted', 'ECONNRESET')],
    ['net: a write after the other side ended', withCode('This socket has been ended by the other party', 'EPIPE')],
    ['stream: closed before its end', withCode('Premature close', 'ERR_STREAM_PREMATURE_CLOSE')],
    ['stream: written after destroy', withCode('Cannot call write after a stream was destroyed', 'ERR_STREAM_DESTROYED')],
    ['a Homeport error that already says so', new HomeportError('CONNECTION_LOST', 'The connection to nas was lost.')],
  ])('matches %s', (_what, err) => {
    expect(isConnectionLost(err)).toBe(true)
  })

  it.each([
    ['a channel open the server refused', Object.assign(new Error('(SSH) Channel open failure: open failed'), { reason: 1 })],
    ["the engine's HTTP answer", Object.assign(new Error('(HTTP code 404) no such container'), { statusCode: 404 })],
    ['a refused connect', withCode('connect ECONNREFUSED 127.0.0.1:22', 'ECONNREFUSED')],
    ['a permission error', withCode('connect EACCES /var/run/docker.sock', 'EACCES')],
    ['a Homeport error with another code, even when its text mentions a lost socket', new HomeportError('DOCKER_ERROR', 'socket hang up')],
    ['a message that only contains the word aborted', new Error('the user aborted the install')],
    ['nothing at all', undefined],
    ['a string', 'socket hang up'],
  ])('does not match %s', (_what, err) => {
    expect(isConnectionLost(err)).toBe(false)
  })
})
