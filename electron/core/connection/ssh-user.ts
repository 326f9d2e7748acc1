// OpenSSH's rule for a remote user name (misc.c valid_ruser, since OpenSSH 9.6): no shell metacharacters,
// no leading "-", no "-" after whitespace, no trailing backslash. A name like `homer;id` is refused before
// it reaches a command line, a config file or a prompt, as ssh itself refuses it.

import { HomeportError } from '../../../shared/errors.js'

const FORBIDDEN = "'`\";&<>|(){}"

/** Why `user` is not a valid SSH user name, or undefined when it is. */
export function sshUserProblem(user: string): string | undefined {
  if (!user) return 'it is empty'
  if (user.startsWith('-')) return 'it starts with "-"'
  for (let i = 0; i < user.length; i++) {
    const c = user[i]
    if (FORBIDDEN.includes(c)) return `it contains ${JSON.stringify(c)}`
    if (/\s/.test(c) && user[i + 1] === '-') return 'it has a "-" after a space'
    if (c === '\\' && i === user.length - 1) return 'it ends with "\\"'
    if (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f) return 'it contains a control character'
  }
  return undefined
}

export function assertSshUser(user: string): void {
  const problem = sshUserProblem(user)
  if (problem) {
    throw new HomeportError('INVALID_INPUT', `${JSON.stringify(user)} is not a valid SSH user name: ${problem}.`, {
      hint: 'Use the user name as it exists on the server (letters, digits, ".", "_" and "-"), as ssh would accept it.',
    })
  }
}
