import { describe, expect, it } from 'vitest'
import { isSetupFix, setupReasons } from './setup-reasons.js'
import { hello } from './test-fixtures.test-support.js'

const current = { bundled: '1.0.0', installed: '1.0.0', path: '/p', upToDate: true }

describe('why a server needs set-up', () => {
  it('says nothing for a server where Docker is reachable and the agent is current', () => {
    expect(setupReasons({ hello: hello(), status: current })).toEqual([])
  })

  it('names what is missing: Docker, its engine, the group, a fresh login, the agent', () => {
    expect(setupReasons({ hello: hello({ installed: false, version: '', socket: '' }) })).toEqual(['Docker is not installed.'])
    expect(setupReasons({ hello: hello({ socket: '' }) })).toEqual(['Docker is installed but not running.'])
    expect(setupReasons({ hello: hello({ socketAccessible: false, inDockerGroup: false }) })).toEqual(['alice is not in group docker, so Homeport cannot reach Docker.'])
    expect(setupReasons({ hello: hello({ socketAccessible: false, inDockerGroup: true }) })[0]).toMatch(/in group docker, but this login started before that/)
    expect(setupReasons({ hello: hello(), status: { bundled: '1.1.0', upToDate: false } })).toEqual(['The Homeport agent is not installed.'])
    expect(setupReasons({ hello: hello(), status: { bundled: '1.1.0', installed: '1.0.0', upToDate: false } })).toEqual(["The Homeport agent 1.0.0 is older than this app's 1.1.0."])
  })

  it('falls back on a Docker error that set-up fixes while the facts are not there, and ignores other errors', () => {
    const permission = { code: 'DOCKER_PERMISSION', message: 'The SSH user may not use Docker on the server.' } as const
    expect(setupReasons({ dockerError: permission })).toEqual([permission.message])
    expect(setupReasons({ dockerError: { code: 'UNREACHABLE', message: 'gone' } as const })).toEqual([])
    // The facts say it better than the error when both are there.
    expect(setupReasons({ hello: hello({ socketAccessible: false, inDockerGroup: false }), dockerError: permission })).toHaveLength(1)
    expect(isSetupFix({ code: 'DOCKER_NOT_INSTALLED' })).toBe(true)
    expect(isSetupFix({ code: 'AUTH_FAILED' })).toBe(false)
    expect(isSetupFix(undefined)).toBe(false)
  })
})
