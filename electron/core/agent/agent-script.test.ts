import { describe, expect, it } from 'vitest'
import { compareVersions, statusOf } from './agent-installer.js'
import { AGENT_PROTOCOL, bundledAgent, parseAgentScript } from './agent-script.js'

describe('the bundled agent', () => {
  it('carries its version and the protocol this app speaks', () => {
    const agent = bundledAgent()
    expect(agent.version).toMatch(/^\d+\.\d+\.\d+$/)
    expect(agent.protocol).toBe(AGENT_PROTOCOL)
    expect(agent.sha256).toMatch(/^[0-9a-f]{64}$/)
  })

  it('refuses a script without a version line', () => {
    expect(() => parseAgentScript('#!/bin/sh\nPROTOCOL=1\n')).toThrow(expect.objectContaining({ code: 'INTERNAL' }))
  })
})

describe('agent versions on a server', () => {
  const script = parseAgentScript('AGENT_VERSION=1.2.0\nPROTOCOL=1\n')
  it('orders versions numerically', () => {
    expect(['1.10.0', '1.2.0', '1.9.3'].sort(compareVersions)).toEqual(['1.2.0', '1.9.3', '1.10.0'])
  })
  it('is up to date only when the bundled version is the one there', () => {
    expect(statusOf({ root: '/h/a', versions: [] }, script)).toEqual({ bundled: '1.2.0', upToDate: false })
    expect(statusOf({ root: '/h/a', versions: ['1.2.0'] }, script)).toEqual({ bundled: '1.2.0', installed: '1.2.0', path: '/h/a/1.2.0/homeport-agent', upToDate: true })
    expect(statusOf({ root: '/h/a', versions: ['1.1.0', '1.2.0'] }, script).upToDate).toBe(false)
    expect(statusOf({ root: '/h/a', versions: ['1.1.0'] }, script)).toMatchObject({ installed: '1.1.0', upToDate: false })
  })
})
