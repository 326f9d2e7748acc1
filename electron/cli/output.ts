// Human output (aligned tables) and the error format every command shares:
//   error CODE: message
//   hint: what to do
// JSON mode writes nothing but JSON to stdout; everything else goes to stderr.

import { ERROR_CODES, HomeportError, toErrorInfo, type ErrorInfo } from '../../shared/errors.js'
import type { Logger } from '../core/runtime/index.js'

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd()
  return [line(headers), ...rows.map(line)].join('\n') + '\n'
}

export function writeJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n')
}

export function formatError(info: ErrorInfo): string {
  return `error ${info.code}: ${info.message}\nhint: ${info.cliHint ?? info.hint}\n`
}

/** An error's details (Docker's or ssh's own words, a command's output): one line as is, more indented. */
export function formatDetails(details: string): string {
  const lines = details.trimEnd().split('\n')
  return lines.length === 1 ? `details: ${lines[0]}\n` : `details:\n${lines.map((l) => `  ${l}`).join('\n')}\n`
}

/** Usage errors (bad flags, invalid input) exit 2, everything else 1. */
export function exitCodeFor(info: ErrorInfo): number {
  return info.code === 'INVALID_INPUT' ? 2 : 1
}

export function usageError(message: string, hint?: string): HomeportError {
  return new HomeportError('INVALID_INPUT', message, { hint: hint ?? ERROR_CODES.INVALID_INPUT.cliHint })
}

export function errorInfo(err: unknown): ErrorInfo {
  return toErrorInfo(err)
}

/** What Homeport does, on stderr, only with --verbose: stdout stays for the command's own output. */
export function stderrLogger(verbose: boolean): Logger {
  const write = (level: string) => (message: string, meta?: Record<string, unknown>) => {
    if (!verbose) return
    process.stderr.write(`[${level}] ${message}${meta && Object.keys(meta).length ? ' ' + JSON.stringify(meta) : ''}\n`)
  }
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') }
}
