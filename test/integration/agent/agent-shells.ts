// What the agent's own tests share: the script, the shells it must run under, and its JSON lines as they come.

import path from 'node:path'
import type { Readable } from 'node:stream'

export const agentScript = path.resolve(import.meta.dirname, '../../../resources/agent/homeport-agent')

/** The shells servers run it with: Debian's dash, busybox's ash (Alpine, small boxes), and bash. */
export const agentShells: [name: string, argv: string[]][] = [
  ['dash', ['/usr/bin/dash']],
  ['busybox ash', ['/usr/bin/busybox', 'ash']],
  ['bash', ['/bin/bash']],
]

/** Every line the agent prints, parsed as it arrives: the array grows while the agent runs. */
export function jsonLines<T>(stdout: Readable): T[] {
  const lines: T[] = []
  let buffered = ''
  stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString()
    const parts = buffered.split('\n')
    buffered = parts.pop()!
    for (const p of parts) lines.push(JSON.parse(p) as T)
  })
  return lines
}
