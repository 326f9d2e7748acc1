// Finds the Docker (or Podman) API socket on the server in one exec through the user's login shell, so the
// remote user's DOCKER_HOST and XDG_RUNTIME_DIR apply, and tells apart "not installed", "not allowed" and
// "not running" so the error can say what to do.

import { HomeportError } from '../../../shared/errors.js'
import type { SshSession } from '../connection/types.js'

export type SocketAccess = 'ok' | 'denied' | 'missing'

export interface SocketCandidate {
  path: string
  access: SocketAccess
  /** Group owning the socket, for the permission hint. */
  group?: string
  source: 'DOCKER_HOST' | 'system' | 'rootless' | 'podman' | 'podman-rootless'
}

export interface DiscoveryReport {
  user: string
  uid: number
  dockerHost?: string
  dockerBinary?: string
  podmanBinary?: string
  candidates: SocketCandidate[]
}

export interface DockerEndpoint {
  /** Socket path on the server; absent when only `docker system dial-stdio` can reach the engine. */
  socket?: string
  /** The remote user's DOCKER_HOST, passed to `docker -H` for dial-stdio. */
  dockerHost?: string
  /** Whether `docker system dial-stdio` is available as a fallback transport. */
  canDialStdio: boolean
  user: string
}

// A constant script: the only inputs are the remote environment, never anything from the client, so nothing
// can be injected. Each `socket` line is: access, source, group, path (the path last: it may hold spaces).
export const DISCOVERY_SCRIPT = `
uid=$(id -u); printf 'uid=%s\\n' "$uid"; printf 'user=%s\\n' "$(id -un)"
printf 'docker_host=%s\\n' "\${DOCKER_HOST-}"
printf 'docker_bin=%s\\n' "$(command -v docker 2>/dev/null)"
printf 'podman_bin=%s\\n' "$(command -v podman 2>/dev/null)"
xdg="\${XDG_RUNTIME_DIR:-/run/user/$uid}"
check() {
  if [ -S "$2" ]; then
    g=$(stat -c %G "$2" 2>/dev/null || echo -)
    if [ -r "$2" ] && [ -w "$2" ]; then a=ok; else a=denied; fi
  else a=missing; g=-; fi
  printf 'socket %s %s %s %s\\n' "$a" "$1" "$g" "$2"
}
case "\${DOCKER_HOST-}" in unix://?*) check DOCKER_HOST "\${DOCKER_HOST#unix://}" ;; esac
check system /var/run/docker.sock
check system /run/docker.sock
check rootless "$xdg/docker.sock"
[ "$xdg" = "/run/user/$uid" ] || check rootless "/run/user/$uid/docker.sock"
check podman /run/podman/podman.sock
check podman-rootless "$xdg/podman/podman.sock"
exit 0
`

const SOURCES = new Set<SocketCandidate['source']>(['DOCKER_HOST', 'system', 'rootless', 'podman', 'podman-rootless'])
const ACCESS = new Set<SocketAccess>(['ok', 'denied', 'missing'])

export function parseDiscoveryOutput(stdout: string): DiscoveryReport {
  const report: DiscoveryReport = { user: '', uid: -1, candidates: [] }
  const seen = new Set<string>()
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=')
    if (line.startsWith('socket ')) {
      const match = /^socket (\S+) (\S+) (\S+) (.+)$/.exec(line)
      if (!match) continue
      const [, access, source, group, path] = match
      if (!ACCESS.has(access as SocketAccess) || !SOURCES.has(source as SocketCandidate['source'])) continue
      if (seen.has(path)) continue
      seen.add(path)
      report.candidates.push({
        path,
        access: access as SocketAccess,
        source: source as SocketCandidate['source'],
        ...(group !== '-' ? { group } : {}),
      })
    } else if (eq > 0) {
      const key = line.slice(0, eq)
      const value = line.slice(eq + 1)
      if (key === 'uid') report.uid = Number.parseInt(value, 10)
      else if (key === 'user') report.user = value
      else if (key === 'docker_host' && value) report.dockerHost = value
      else if (key === 'docker_bin' && value) report.dockerBinary = value
      else if (key === 'podman_bin' && value) report.podmanBinary = value
    }
  }
  return report
}

/** Picks the socket to use, or throws the error that tells the person what is wrong and how to fix it. */
export function chooseEndpoint(report: DiscoveryReport, serverName: string): DockerEndpoint {
  const usable = report.candidates.find((c) => c.access === 'ok')
  const canDialStdio = report.dockerBinary !== undefined
  const base = { user: report.user, canDialStdio, ...(report.dockerHost ? { dockerHost: report.dockerHost } : {}) }
  if (usable) return { ...base, socket: usable.path }

  // DOCKER_HOST=tcp://… or ssh://…: only the docker CLI on the server knows how to reach it.
  if (report.dockerHost && !report.dockerHost.startsWith('unix://') && canDialStdio) return base

  const checked = report.candidates.map((c) => `${c.path}: ${c.access}`).join('\n')
  const denied = report.candidates.find((c) => c.access === 'denied')
  if (denied) {
    const group = denied.group && denied.group !== 'root' ? denied.group : 'docker'
    const user = report.user || 'USER'
    throw new HomeportError(
      'DOCKER_PERMISSION',
      `User ${user} on ${serverName} may not use the Docker socket ${denied.path}.`,
      {
        hint: `Add the user to the ${group} group on the server (\`sudo usermod -aG ${group} ${user}\`), then reconnect: group changes apply to new logins only.`,
        details: checked,
      },
    )
  }
  if (report.dockerBinary || report.podmanBinary) {
    throw new HomeportError(
      'DOCKER_DOWN',
      `Docker is installed on ${serverName} (${report.dockerBinary ?? report.podmanBinary}) but no engine socket was found.`,
      { details: `DOCKER_HOST=${report.dockerHost ?? ''}\n${checked}` },
    )
  }
  throw new HomeportError('DOCKER_NOT_INSTALLED', `Docker is not installed on ${serverName}: no docker command and no engine socket.`, {
    details: checked,
  })
}

export async function discoverDockerEndpoint(session: SshSession, serverName = session.serverId): Promise<DockerEndpoint> {
  const result = await session.exec(['sh', '-c', DISCOVERY_SCRIPT, 'homeport-docker-discovery'], { loginShell: true, timeoutMs: 15_000 })
  const report = parseDiscoveryOutput(result.stdout)
  if (report.uid < 0) {
    throw new HomeportError('DOCKER_ERROR', `Could not look for Docker on ${serverName}.`, {
      hint: 'Check that the user can run `sh` on the server, then reconnect.',
      details: `exit ${result.code}: ${result.stderr.trim()}`,
    })
  }
  return chooseEndpoint(report, serverName)
}
