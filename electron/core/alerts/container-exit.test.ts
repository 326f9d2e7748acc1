import { describe, expect, it } from 'vitest'
import { classifyExit } from './container-exit.js'

const facts = (over: Partial<Parameters<typeof classifyExit>[0]> = {}) => ({ exitCode: 0, oomKilled: false, stopRequested: false, removed: false, restarting: false, ...over })

describe('why a container ended', () => {
  it('takes a stop or a removal as expected, whatever the exit code (docker stop past its grace period ends in 137)', () => {
    expect(classifyExit(facts({ exitCode: 137, stopRequested: true }))).toBe('expected')
    expect(classifyExit(facts({ exitCode: 1, stopRequested: true }))).toBe('expected')
    expect(classifyExit(facts({ exitCode: 137, removed: true }))).toBe('expected')
  })

  it('takes a clean exit or SIGTERM/SIGINT as a requested end', () => {
    for (const exitCode of [0, 130, 143]) expect(classifyExit(facts({ exitCode }))).toBe('expected')
  })

  it('calls SIGKILL without a stop (docker kill, the kernel) killed, and other codes crashed', () => {
    expect(classifyExit(facts({ exitCode: 137 }))).toBe('killed')
    expect(classifyExit(facts({ exitCode: 1 }))).toBe('crashed')
    expect(classifyExit(facts({ exitCode: 139 }))).toBe('crashed')
  })

  it('never takes an out-of-memory kill as expected, even with exit code 0', () => {
    expect(classifyExit(facts({ exitCode: 137, oomKilled: true }))).toBe('oom')
    expect(classifyExit(facts({ exitCode: 0, oomKilled: true }))).toBe('oom')
  })

  it('counts a crash that Docker restarts as a restart, not a stop', () => {
    expect(classifyExit(facts({ exitCode: 3, restarting: true }))).toBe('restarting')
    expect(classifyExit(facts({ exitCode: 137, oomKilled: true, restarting: true }))).toBe('restarting')
  })
})
