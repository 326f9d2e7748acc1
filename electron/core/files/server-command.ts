// Commands on the server for what SFTP cannot do in one request (recursive remove, chmod -R, chown, cp,
// sha256). Each is an argv quoted by the one quoting function (paths are arguments, never shell text), run
// under LC_ALL=C so the error text it prints can be read, and its failure worded with the path it was about.

import { HomeportError } from '../../../shared/errors.js'
import type { ExecResult } from '../connection/types.js'
import { diskFull, notFound, permissionDenied } from './file-errors.js'
import type { HostTarget } from './host-target.js'

export interface CommandAbout {
  path: string
  /** Completes "may not …" and "could not …": "remove", "copy to". */
  action: string
}

export async function runOnServer(target: HostTarget, argv: string[], about: CommandAbout, opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<ExecResult> {
  const res = await target.session.exec(['env', 'LC_ALL=C', ...argv], opts)
  if (res.code !== 0) throw commandError(res.stderr || res.stdout, about, target.server)
  return res
}

export function commandError(output: string, about: CommandAbout, server: string): HomeportError {
  const text = output.trim()
  if (/No space left on device|Disk quota exceeded/i.test(text)) return diskFull(about.path, server, undefined, text)
  if (/Permission denied|Operation not permitted|Read-only file system/i.test(text)) return permissionDenied(about.path, server, about.action, text)
  if (/No such file or directory|can't open|cannot open/i.test(text)) return notFound(about.path, server)
  return new HomeportError('COMMAND_FAILED', `${server} could not ${about.action} ${about.path}.`, {
    hint: 'See the details for what the server said.',
    details: text,
  })
}

// Reads the file on stdin so no tool ever prints (and escapes) its name; falls back to shasum or openssl
// where coreutils are missing (BSDs, macOS).
const SHA256_SCRIPT = [
  'if command -v sha256sum >/dev/null 2>&1; then exec sha256sum < "$1"; fi',
  'if command -v shasum >/dev/null 2>&1; then exec shasum -a 256 < "$1"; fi',
  'exec openssl dgst -sha256 -r < "$1"',
].join('\n')

/** sha256 of a file, computed on the server. */
export async function serverSha256(target: HostTarget, absolute: string, signal?: AbortSignal): Promise<string> {
  const res = await runOnServer(target, ['sh', '-c', SHA256_SCRIPT, 'sh', absolute], { path: absolute, action: 'read' }, { signal })
  const hex = /^[0-9a-f]{64}/.exec(res.stdout.trim())
  if (!hex) throw new HomeportError('COMMAND_FAILED', `${target.server} gave no sha256 for ${absolute}.`, { details: res.stdout.slice(0, 200) })
  return hex[0]
}

/** sha256 of many files in one command, in the order given (undefined where a line could not be read). */
export async function serverSha256Many(target: HostTarget, absolutes: string[], signal?: AbortSignal): Promise<(string | undefined)[]> {
  if (absolutes.length === 0) return []
  const res = await runOnServer(target, ['sha256sum', '--', ...absolutes], { path: absolutes[0], action: 'read' }, { signal })
  // GNU sha256sum escapes a name holding a newline or backslash and marks the line with a leading `\`.
  const lines = res.stdout.split('\n').filter((l) => l.length > 0)
  if (lines.length !== absolutes.length) return Promise.all(absolutes.map((p) => serverSha256(target, p, signal)))
  return lines.map((l) => /^\\?([0-9a-f]{64})/.exec(l)?.[1])
}
