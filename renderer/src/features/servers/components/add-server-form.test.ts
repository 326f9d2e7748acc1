import { describe, expect, it } from 'vitest'
import { addInput, afterAdding, emptyForm, fieldForError, fillFromSshConfig, probeInput, validateForm } from './add-server-form.js'

const fingerprint = `SHA256:${'c'.repeat(43)}`

describe('add-server form', () => {
  it('names each missing or malformed field', () => {
    expect(Object.keys(validateForm(emptyForm())).sort()).toEqual(['host', 'name'])
    const form = { ...emptyForm(), name: '-bad', host: 'me@nas', authMethod: 'password' as const }
    expect(validateForm(form)).toMatchObject({ name: expect.any(String), host: expect.any(String), secret: expect.any(String) })
    expect(validateForm({ ...emptyForm(), name: 'nas', host: 'nas.local', authMethod: 'key' })).toHaveProperty('identityFile')
  })

  it('refuses a port out of range at the field instead of changing it', () => {
    const form = { ...emptyForm(), name: 'nas', host: 'nas.local' }
    for (const port of ['70000', '0', '22a', '-1', '2.5']) expect(validateForm({ ...form, port })).toEqual({ port: 'Port must be a whole number from 1 to 65535.' })
    expect(validateForm({ ...form, port: '65535' })).toEqual({})
    expect(probeInput({ ...form, port: '' }).port).toBe(22)
    expect(addInput({ ...form, port: '' }, fingerprint).port).toBeUndefined()
  })

  it('puts each connection error at the field it is about', () => {
    const password = { authMethod: 'password' as const, sshConfigHost: null }
    expect(fieldForError({ code: 'UNREACHABLE', message: '127.0.0.1:1 refused the connection (nothing listens on that port).' }, password)).toBe('port')
    expect(fieldForError({ code: 'UNREACHABLE', message: 'nas.invalid:22 could not be found (unknown host name).' }, password)).toBe('host')
    expect(fieldForError({ code: 'AUTH_FAILED', message: 'me@nas:22 refused the login.' }, password)).toBe('secret')
    expect(fieldForError({ code: 'AUTH_FAILED', message: 'x' }, { authMethod: 'key', sshConfigHost: null })).toBe('identityFile')
    expect(fieldForError({ code: 'KEY_INVALID', message: 'The key file /k does not exist.' }, password)).toBe('identityFile')
    expect(fieldForError({ code: 'KEY_INVALID', message: 'The passphrase does not unlock the key /k.' }, password)).toBe('secret')
    expect(fieldForError({ code: 'ALREADY_EXISTS', message: 'A server named "nas" already exists.' }, password)).toBe('name')
    expect(fieldForError({ code: 'HOST_KEY_MISMATCH', message: 'x' }, password)).toBeUndefined()
  })

  it('sends only what the auth method uses, with the accepted fingerprint', () => {
    const form = { ...emptyForm(), name: ' nas ', host: 'nas.local', port: '2222', user: 'me', authMethod: 'key' as const, identityFile: '/k/id', secret: 'pass' }
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
    expect(filled).toMatchObject({ name: 'my-nas', host: '10.0.0.2', port: '2200', user: 'admin', authMethod: 'key', identityFile: '~/.ssh/nas', proxyJump: 'jump', sshConfigHost: 'my nas' })
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
