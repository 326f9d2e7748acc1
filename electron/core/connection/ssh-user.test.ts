import { describe, expect, it } from 'vitest'
import { assertSshUser, sshUserProblem } from './ssh-user.js'

describe('SSH user names, as OpenSSH checks them', () => {
  it('accepts ordinary names, including domain users and dots', () => {
    for (const user of ['homer', 'hptest', 'first.last', 'svc_backup', 'user-1', 'DOMAIN\\user', 'user@example.org']) expect(sshUserProblem(user)).toBeUndefined()
  })

  it('refuses shell metacharacters, a leading dash, a dash after a space, a trailing backslash and control characters', () => {
    expect(sshUserProblem('homer;id')).toBe('it contains ";"')
    for (const user of ['$(id)x`', 'a|b', 'a&b', 'a>b', "o'brien", 'a"b', '(x)', '{x}']) expect(sshUserProblem(user)).toMatch(/^it contains/)
    expect(sshUserProblem('-oProxyCommand=id')).toBe('it starts with "-"')
    expect(sshUserProblem('a -oX')).toBe('it has a "-" after a space')
    expect(sshUserProblem('user\\')).toBe('it ends with "\\"')
    expect(sshUserProblem('a\nb')).toBe('it contains a control character')
    expect(sshUserProblem('')).toBe('it is empty')
  })

  it('throws INVALID_INPUT naming the user and why', () => {
    expect(() => assertSshUser('homer;id')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: '"homer;id" is not a valid SSH user name: it contains ";".' }))
  })
})
