import { describe, expect, it } from 'vitest'
import { addInput, afterAdding, emptyForm, fillFromSshConfig, probeInput, validateForm } from './add-server-form.js'

const fingerprint = `SHA256:${'c'.repeat(43)}`

describe('add-server form', () => {
  it('names each missing or malformed field', () => {
    expect(Object.keys(validateForm(emptyForm())).sort()).toEqual(['host', 'name'])
    const form = { ...emptyForm(), name: '-bad', host: 'me@nas', authMethod: 'password' as const }
    expect(validateForm(form)).toMatchObject({ name: expect.any(String), host: expect.any(String), secret: expect.any(String) })
    expect(validateForm({ ...emptyForm(), name: 'nas', host: 'nas.local', authMethod: 'key' })).toHaveProperty('identityFile')
  })

  it('sends only what the auth method uses, with the accepted fingerprint', () => {
    const form = { ...emptyForm(), name: ' nas ', host: 'nas.local', port: 2222, user: 'me', authMethod: 'key' as const, identityFile: '/k/id', secret: 'pass' }
    expect(addInput(form, fingerprint)).toEqual({
      name: 'nas',
      host: 'nas.local',
      port: 2222,
      user: 'me',
      authMethod: 'key',
      identityFile: '/k/id',
      secret: 'pass',
      hostKey: fingerprint,
      sshConfigHost: undefined,
      proxyJump: undefined,
    })
    const agent = addInput({ ...form, authMethod: 'agent' }, fingerprint)
    expect(agent.secret).toBeUndefined()
    expect(agent.identityFile).toBeUndefined()
    expect(probeInput(form)).toEqual({ host: 'nas.local', port: 2222, proxyJump: undefined, sshConfigHost: undefined })
  })

  it('fills the fields from a ~/.ssh/config Host', () => {
    const filled = fillFromSshConfig(emptyForm(), { alias: 'my nas', hostName: '10.0.0.2', port: 2200, user: 'admin', identityFile: '~/.ssh/nas', proxyJump: 'jump' })
    expect(filled).toMatchObject({ name: 'my-nas', host: '10.0.0.2', port: 2200, user: 'admin', authMethod: 'key', identityFile: '~/.ssh/nas', proxyJump: 'jump', sshConfigHost: 'my nas' })
    expect(validateForm(filled)).toEqual({})
    expect(fillFromSshConfig({ ...emptyForm(), name: 'kept' }, { alias: 'x', hostName: 'h', port: 22 }).name).toBe('kept')
  })

  it('leads a server added with a password into set-up, and opens the others on their page', () => {
    expect(afterAdding({ authMethod: 'password' })).toBe('setup')
    expect(afterAdding({ authMethod: 'keyboard-interactive' })).toBe('setup')
    expect(afterAdding({ authMethod: 'key' })).toBe('server')
    expect(afterAdding({ authMethod: 'agent' })).toBe('server')
  })
})
