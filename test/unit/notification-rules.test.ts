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

  it('reports a server that went offline with an error, not routine state changes', () => {
    const error = { code: 'UNREACHABLE' as const, message: 'nas:22 could not be reached.', hint: 'Check it.' }
    expect(notificationForEvent('server.state', { serverId: 's', state: 'offline', error })?.body).toBe('nas:22 could not be reached.')
    expect(notificationForEvent('server.state', { serverId: 's', state: 'ready' })).toBeUndefined()
    expect(notificationForEvent('server.state', { serverId: 's', state: 'offline' })).toBeUndefined()
    expect(notificationForEvent('docker.containers', { serverId: 's', containers: [] })).toBeUndefined()
  })
})
