import { describe, expect, it } from 'vitest'
import { notificationForEvent } from '../../electron/main/notification-rules.js'

describe('OS notifications for core events', () => {
  it('tells about a missing keychain', () => {
    const n = notificationForEvent('secrets.warning', { message: 'No keychain.', hint: 'Install one.' })
    expect(n?.body).toBe('No keychain. Install one.')
  })

  it('surfaces a question that waits for an answer', () => {
    const n = notificationForEvent('prompt.request', { id: 'p1', kind: 'hostKey', title: 'Trust nas:22?', message: 'Fingerprint SHA256:x' })
    expect(n).toEqual({ title: 'Trust nas:22?', body: 'Fingerprint SHA256:x' })
  })

  it('shows the alerts the core decided to notify, opening their target on click', () => {
    const target = { kind: 'app' as const, serverId: 's1', app: 'photo prism' }
    const n = notificationForEvent('alert.notify', { alertId: 'a1', kind: 'raised', title: 'photos stopped', body: 'Exit 137.', severity: 'critical', silent: false, target })
    expect(n).toEqual({ title: 'photos stopped', body: 'Exit 137.', silent: false, route: '/servers/s1/apps/photo%20prism' })
  })

  it('leaves connection states to the core: an unreachable server arrives as an alert', () => {
    const error = { code: 'UNREACHABLE' as const, message: 'nas:22 could not be reached.', hint: 'Check it.' }
    expect(notificationForEvent('server.state', { serverId: 's', state: 'offline', error })).toBeUndefined()
    expect(notificationForEvent('docker.containers', { serverId: 's', containers: [] })).toBeUndefined()
  })
})
