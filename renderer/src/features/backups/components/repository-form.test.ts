import { describe, expect, it } from 'vitest'
import { emptyRepositoryFields, hostAndPort, targetOf } from './repository-form.js'

describe('the address another Homeport server is reached at', () => {
  it('reads a host, a host with its port, and IPv6 addresses', () => {
    expect(hostAndPort('  ')).toEqual({})
    expect(hostAndPort('192.168.1.20')).toEqual({ host: '192.168.1.20' })
    expect(hostAndPort('nas.lan:2222')).toEqual({ host: 'nas.lan', port: 2222 })
    expect(hostAndPort('fd00::20')).toEqual({ host: 'fd00::20' })
    expect(hostAndPort('[fd00::20]:2222')).toEqual({ host: 'fd00::20', port: 2222 })
  })

  it('goes into the target only when given', () => {
    const fields = { ...emptyRepositoryFields(), kind: 'homeport' as const, server: 'nas-id' }
    expect(targetOf(fields)).toEqual({ kind: 'homeport', server: 'nas-id' })
    expect(targetOf({ ...fields, host: 'nas.lan:2222' })).toEqual({ kind: 'homeport', server: 'nas-id', host: 'nas.lan', port: 2222 })
  })
})
