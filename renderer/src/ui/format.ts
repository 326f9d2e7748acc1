// Numbers as people read them, shared by the job, stats and container views.

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–'
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`
}

/** `0.0.0.0:8080→80/tcp`, or `80/tcp` when the port is not published. */
export function formatPort(port: { ip?: string; privatePort: number; publicPort?: number; type: string }): string {
  if (port.publicPort === undefined) return `${port.privatePort}/${port.type}`
  const ip = port.ip ? `${port.ip.includes(':') ? `[${port.ip}]` : port.ip}:` : ''
  return `${ip}${port.publicPort}→${port.privatePort}/${port.type}`
}

/** "Up 3 min 12 s": how long a container has run, from when it started; recomputed as time passes. */
export function formatUptime(startedAt: string, nowMs: number): string {
  const started = Date.parse(startedAt)
  if (!Number.isFinite(started)) return ''
  const seconds = Math.max(0, Math.floor((nowMs - started) / 1000))
  const days = Math.floor(seconds / 86_400)
  const hours = Math.floor((seconds % 86_400) / 3600)
  const minutes = Math.floor((seconds % 3600) / 60)
  if (days > 0) return `Up ${days} day${days === 1 ? '' : 's'} ${hours} h`
  if (hours > 0) return `Up ${hours} h ${minutes} min`
  if (minutes > 0) return `Up ${minutes} min ${seconds % 60} s`
  return `Up ${seconds} s`
}
