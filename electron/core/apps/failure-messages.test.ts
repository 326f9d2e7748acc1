import { describe, expect, it } from 'vitest'
import { HomeportError } from '../../../shared/errors.js'
import { ConditionFailedError } from '../compose/engine/wait.js'
import { toDockerError } from '../docker/docker-errors.js'
import { applyFailure, planningFailure } from './failure-messages.js'

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

describe('applyFailure', () => {
  it('reports a service that never became healthy as APP_START_FAILED, rolled back to what was there', () => {
    const err = new ConditionFailedError('web exited with code 3', 'web')
    expect(applyFailure(err, 'blog', 'update')).toMatchObject({ code: 'APP_START_FAILED', message: 'The update of "blog" failed: web exited with code 3. Rolled back to the previous version.' })
    expect(applyFailure(err, 'blog', 'install').message).toMatch(/Rolled back to how the server was before\.$/)
  })

  it('tells a dropped connection apart, with what to do', () => {
    const mapped = toDockerError(hangUp(), 'nas', 'start container web-1')
    expect(applyFailure(mapped, 'blog', 'install')).toMatchObject({
      code: 'CONNECTION_LOST',
      message: 'The connection to the server was lost during the install of "blog"; what it had changed was rolled back after reconnecting.',
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

  it('keeps errors that already speak to the person', () => {
    const clash = new HomeportError('PORT_IN_USE', 'Port 8080/tcp of service web is already used on the server by other.')
    expect(applyFailure(clash, 'blog', 'install')).toBe(clash)
  })
})
