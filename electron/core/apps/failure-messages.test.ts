import { describe, expect, it } from 'vitest'
import { HomeportError } from '../../../shared/errors.js'
import { ConditionFailedError } from '../compose/engine/wait.js'
import { toDockerError } from '../docker/docker-errors.js'
import { planningFailure, runFailure } from './failure-messages.js'

const engineAnswer = (statusCode: number, message: string) => toDockerError(Object.assign(new Error(`(HTTP code ${statusCode}) ${message}`), { statusCode, json: { message } }), 'nas', 'create container web-1')
const hangUp = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })

describe('planningFailure', () => {
  it('says nothing was changed when the connection dropped, whoever saw the drop', () => {
    for (const err of [hangUp(), new HomeportError('CONNECTION_LOST', 'The connection to nas was lost.')]) {
      expect(planningFailure(err, 'blog')).toMatchObject({ code: 'CONNECTION_LOST', message: 'The connection to the server was lost while planning "blog"; nothing was changed.' })
    }
  })

  it("puts nothing-changed before Docker's own wording and keeps its code and hint", () => {
    const cause = engineAnswer(403, 'authorization denied')
    expect(planningFailure(cause, 'blog')).toMatchObject({
      code: 'DOCKER_PERMISSION',
      message: 'Planning "blog" failed; nothing was changed. Docker on nas refused to create container web-1.',
      hint: cause.hint,
      details: 'authorization denied',
    })
  })

  it('keeps errors that already speak to the person', () => {
    const invalid = new HomeportError('COMPOSE_INVALID', 'services.web.ports[0]: not a port')
    expect(planningFailure(invalid, 'blog')).toBe(invalid)
  })
})

const verified = { kind: 'verified' } as const
const applyFailure = (err: unknown, app: string, what: 'install' | 'update') => runFailure(err, verified, { app, what, serverName: 'nas', cancelled: false })

describe('runFailure after a rollback that was checked', () => {
  it('reports a service that never became healthy as APP_START_FAILED, rolled back to what was there', () => {
    const err = new ConditionFailedError('web exited with code 3', 'web')
    expect(applyFailure(err, 'blog', 'update')).toMatchObject({ code: 'APP_START_FAILED', message: 'The update of "blog" failed: web exited with code 3. Rolled back to the previous version.' })
    expect(applyFailure(err, 'blog', 'install').message).toMatch(/Rolled back to how the server was before\.$/)
  })

  it('tells a dropped connection apart, with what to do', () => {
    const mapped = toDockerError(hangUp(), 'nas', 'start container web-1')
    expect(applyFailure(mapped, 'blog', 'install')).toMatchObject({
      code: 'CONNECTION_LOST',
      message: 'The connection to the server was lost during the install of "blog"; what it had changed was rolled back after reconnecting, and checked.',
      hint: 'Run it again once the connection is stable.',
      details: 'socket hang up',
    })
  })

  it("says the run was rolled back, then Docker's wording, with the engine's text in details", () => {
    expect(applyFailure(engineAnswer(409, 'Conflict. The container name "/web-1" is already in use'), 'blog', 'install')).toMatchObject({
      code: 'DOCKER_ERROR',
      message: 'The install of "blog" failed and was rolled back. Docker on nas could not create container web-1 (HTTP 409).',
      details: 'Conflict. The container name "/web-1" is already in use',
    })
  })

  it('names a failure of no known kind as DOCKER_ERROR with its raw text in details', () => {
    expect(applyFailure(new Error('no such file'), 'blog', 'update')).toMatchObject({ code: 'DOCKER_ERROR', message: 'The update of "blog" failed and was rolled back: no such file', details: 'no such file' })
  })

  it('a cancelled run says it was rolled back and checked', () => {
    expect(runFailure(new HomeportError('CANCELLED'), verified, { app: 'blog', what: 'install', serverName: 'nas', cancelled: true })).toMatchObject({
      code: 'CANCELLED',
      message: 'The install of "blog" was cancelled; it was rolled back to how the server was before, and checked.',
    })
  })
})

describe('runFailure when the rollback is not complete', () => {
  it('never says "rolled back" when the check found differences, and names them under ROLLBACK_INCOMPLETE', () => {
    const err = runFailure(toDockerError(hangUp(), 'nas', 'stop container db-1'), { kind: 'incomplete', differences: ['container blog-db-1 is exited (exit code 137); it was running'] }, { app: 'blog', what: 'update', serverName: 'nas', cancelled: false })
    expect(err.code).toBe('ROLLBACK_INCOMPLETE')
    expect(err.message).toBe('The update of "blog" failed (The connection to nas was lost while trying to stop container db-1.) and could not be rolled back completely: container blog-db-1 is exited (exit code 137); it was running.')
    expect(err.message).not.toMatch(/rolled back after/)
  })

  it("shows why the server could not be reached, with that code and hint, what is left, and that it is finished at the next connect", () => {
    const cause = new HomeportError('HOST_KEY_MISMATCH', 'The host key of 127.0.0.1:2222 has changed.')
    const err = runFailure(toDockerError(hangUp(), 'nas', 'create container web-1'), { kind: 'unreachable', cause, left: ['.env written', 'network blog_default created'] }, { app: 'blog', what: 'install', serverName: 'nas', cancelled: false })
    expect(err.code).toBe('HOST_KEY_MISMATCH')
    expect(err.hint).toBe(cause.hint)
    expect(err.message).toContain('its rollback could not reach nas: The host key of 127.0.0.1:2222 has changed.')
    expect(err.message).toContain('Left on the server: .env written, network blog_default created.')
    expect(err.message).toContain('finishes the rollback the next time it connects to nas')
  })
})
