// Option parsers: a bad value is a usage error reported by commander (exit 2).

import { InvalidArgumentError } from 'commander'

export function parsePort(value: string): number {
  const port = Number(value)
  if (!/^\d+$/.test(value) || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidArgumentError('must be a whole number from 1 to 65535.')
  }
  return port
}
