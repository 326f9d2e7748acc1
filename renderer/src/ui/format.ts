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
