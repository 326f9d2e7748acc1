// Option parsers: a bad value is a usage error reported by commander (exit 2).

import { InvalidArgumentError } from 'commander'
import { sshUserProblem } from '../core/runtime/index.js'

export function parsePort(value: string): number {
  const port = Number(value)
  if (!/^\d+$/.test(value) || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidArgumentError('must be a whole number from 1 to 65535.')
  }
  return port
}

/** A user name ssh itself would accept (no `;`, `$(`, leading `-`…): `homer;id` is refused here, not on the server. */
export function parseSshUser(value: string): string {
  const problem = sshUserProblem(value)
  if (problem) throw new InvalidArgumentError(`must be a user name ssh accepts, but ${problem}.`)
  return value
}
