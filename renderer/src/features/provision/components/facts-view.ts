// The agent's facts as the server page lists them.

import type { AgentHelloDto } from '../../../../../shared/contract/index.js'
import { formatBytes } from '../../../ui/format.js'

/** `3 days 4 h`, `5 h 12 min`, `12 min`: the two largest units are enough for an uptime. */
export function formatUptime(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–'
  const days = Math.floor(seconds / 86_400)
  const hours = Math.floor((seconds % 86_400) / 3600)
  const minutes = Math.floor((seconds % 3600) / 60)
  if (days > 0) return `${days} ${days === 1 ? 'day' : 'days'} ${hours} h`
  if (hours > 0) return `${hours} h ${minutes} min`
  return `${minutes} min`
}

export interface Fact {
  key: string
  label: string
  value: string
}

export function factList(hello: AgentHelloDto): Fact[] {
  const docker = hello.docker
  const dockerText = !docker.installed ? 'not installed' : `${docker.version || 'installed'}${docker.socket ? '' : ' (not running)'}${docker.podman ? ' (Podman)' : ''}${docker.rootless ? ', rootless' : ''}`
  const facts: Fact[] = [
    { key: 'os', label: 'System', value: hello.os.prettyName || hello.os.id || 'unknown' },
    { key: 'kernel', label: 'Kernel', value: `${hello.kernel} (${hello.arch})` },
    { key: 'hostname', label: 'Host name', value: hello.hostname },
    { key: 'uptime', label: 'Up for', value: formatUptime(hello.uptimeSeconds) },
    { key: 'docker', label: 'Docker', value: dockerText },
    { key: 'cpus', label: 'CPUs', value: String(hello.cpus) },
    { key: 'memory', label: 'Memory', value: hello.swapBytes > 0 ? `${formatBytes(hello.memoryBytes)} (+ ${formatBytes(hello.swapBytes)} swap)` : formatBytes(hello.memoryBytes) },
  ]
  return facts
}
