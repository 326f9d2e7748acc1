import { describe, expect, it } from 'vitest'
import { refusal, shownCommand } from './sudo-runner.js'

describe('sudo', () => {
  it('tells a wrong password from a user who may not use sudo', () => {
    expect(refusal('Sorry, try again.\nsudo: 1 incorrect password attempt')?.code).toBe('SUDO_AUTH_FAILED')
    expect(refusal('sudo: no password was provided')?.code).toBe('SUDO_AUTH_FAILED')
    expect(refusal('ann is not in the sudoers file.  This incident will be reported.')?.code).toBe('SUDO_UNAVAILABLE')
    expect(refusal('Sorry, user ann may not run sudo on box.')?.code).toBe('SUDO_UNAVAILABLE')
    expect(refusal('E: Unable to locate package docker.io')).toBeUndefined()
  })

  it('shows commands quoted as they run, with sudo in front of root ones', () => {
    expect(shownCommand(['usermod', '-aG', 'docker', 'ann'], true)).toBe('sudo usermod -aG docker ann')
    expect(shownCommand(['sh', '-c', 'echo "$1"', 'x; reboot'], false)).toBe(`sh -c 'echo "$1"' 'x; reboot'`)
  })
})
