// Puts the agent on a server: ~/.local/share/homeport/agent/<version>/homeport-agent, uploaded over SFTP
// (temporary name, then rename), its sha256 checked on the server, older versions removed. A server keeps
// exactly the version this app ships, so two laptops on different versions take turns upgrading it.

import type { AgentStatusDto } from '../../../shared/contract/index.js'
import { HomeportError } from '../../../shared/errors.js'
import { writeServerFiles } from '../connection/sftp.js'
import type { SshSession } from '../connection/types.js'
import type { AgentScript } from './agent-script.js'

const VERSION_DIR = /^[0-9]+\.[0-9]+\.[0-9]+$/

// A constant script (no client input): the home folder, then each installed version, one a line.
const LIST_SCRIPT = 'printf "%s\\n" "$HOME"; cd "$HOME/.local/share/homeport/agent" 2>/dev/null || exit 0; for d in */; do [ -f "$d/homeport-agent" ] && printf "%s\\n" "${d%/}"; done; exit 0'

export interface InstalledAgents {
  root: string
  versions: string[]
}

export async function listInstalled(session: SshSession): Promise<InstalledAgents> {
  const res = await session.exec(['sh', '-c', LIST_SCRIPT], { timeoutMs: 15_000 })
  const [home, ...versions] = res.stdout.split('\n').filter(Boolean)
  if (res.code !== 0 || !home?.startsWith('/')) {
    throw new HomeportError('AGENT_FAILED', 'Could not read the home folder of the SSH user on the server.', { details: res.stderr })
  }
  return { root: `${home}/.local/share/homeport/agent`, versions: versions.filter((v) => VERSION_DIR.test(v)) }
}

export function agentPath(root: string, version: string): string {
  return `${root}/${version}/homeport-agent`
}

export function statusOf(installed: InstalledAgents, script: AgentScript): AgentStatusDto {
  const current = installed.versions.includes(script.version)
  const newest = [...installed.versions].sort(compareVersions).at(-1)
  return {
    bundled: script.version,
    ...(current ? { installed: script.version, path: agentPath(installed.root, script.version) } : newest ? { installed: newest, path: agentPath(installed.root, newest) } : {}),
    upToDate: current && installed.versions.length === 1,
  }
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number)
  const pb = b.split('.').map(Number)
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i]
  return 0
}

/** sha256 of a file on the server, or undefined when neither sha256sum nor busybox can say. */
async function remoteSha256(session: SshSession, path: string): Promise<string | undefined> {
  const res = await session.exec(['sha256sum', '--', path], { timeoutMs: 15_000 })
  return res.code === 0 ? /^([0-9a-f]{64})\b/.exec(res.stdout)?.[1] : undefined
}

/** Installs the bundled version (unless it is there and intact) and removes every other version. */
export async function installAgent(session: SshSession, script: AgentScript, opts: { force?: boolean } = {}): Promise<AgentStatusDto> {
  const installed = await listInstalled(session)
  const path = agentPath(installed.root, script.version)
  const intact = installed.versions.includes(script.version) && !opts.force && (await remoteSha256(session, path)) === script.sha256
  if (!intact) {
    const dir = `${installed.root}/${script.version}`
    const mk = await session.exec(['mkdir', '-p', '-m', '700', '--', dir])
    if (mk.code !== 0) throw new HomeportError('AGENT_FAILED', `Could not create ${dir} on the server.`, { details: mk.stderr })
    await writeServerFiles(session, [{ path, content: script.text, mode: 0o700 }])
    const sum = await remoteSha256(session, path)
    if (sum !== script.sha256) {
      await session.exec(['rm', '-rf', '--', dir])
      throw new HomeportError('AGENT_FAILED', 'The agent arrived on the server damaged (its sha256 does not match); it was removed.', {
        hint: 'Try again; if it repeats, check the free space in your home folder on the server.',
        details: `expected ${script.sha256}, found ${sum ?? 'no sha256sum on the server'}`,
      })
    }
  }
  const old = installed.versions.filter((v) => v !== script.version)
  if (old.length) await session.exec(['rm', '-rf', '--', ...old.map((v) => `${installed.root}/${v}`)])
  return { bundled: script.version, installed: script.version, path, upToDate: true }
}
