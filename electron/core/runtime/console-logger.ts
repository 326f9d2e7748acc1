// A Logger for front ends without a log file: one line per entry on stderr, so stdout stays free for
// output that scripts read (the web host's URL line).

import type { Logger } from './types.js'

type Level = 'debug' | 'info' | 'warn' | 'error'
const ORDER: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 }

export function createConsoleLogger(minLevel: Level = process.env.HOMEPORT_DEBUG ? 'debug' : 'info'): Logger {
  const write = (level: Level) => (message: string, meta?: Record<string, unknown>) => {
    if (ORDER[level] < ORDER[minLevel]) return
    const suffix = meta && Object.keys(meta).length ? ` ${JSON.stringify(meta)}` : ''
    process.stderr.write(`${new Date().toISOString()} ${level} ${message}${suffix}\n`)
  }
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') }
}
