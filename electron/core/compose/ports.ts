// Port syntax: short (`"8080:80"`, `"127.0.0.1:8080:80/udp"`, `"[::1]:53:53/udp"`, ranges `"8000-8002:8000-8002"`,
// `"80"`) and long (`{target, published, host_ip, protocol}` with `published` a string or a number).

import { joinPath, type ProblemList } from './problems.js'
import type { ComposePort, PortProtocol } from './types.js'
import { parseInteger } from './units.js'

const PROTOCOLS = new Set<PortProtocol>(['tcp', 'udp', 'sctp'])

interface PortRange {
  start: number
  end: number
}

function parseRange(text: string): PortRange | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text.trim())
  if (!m) return undefined
  const start = Number(m[1])
  const end = m[2] === undefined ? start : Number(m[2])
  if (start < 1 || end > 65535 || end < start) return undefined
  return { start, end }
}

function parseProtocol(text: string | undefined, path: string, problems: ProblemList): PortProtocol | undefined {
  const protocol = (text ?? 'tcp').toLowerCase()
  if (!PROTOCOLS.has(protocol as PortProtocol)) {
    problems.invalid(path, `unknown protocol "${text}": use tcp, udp or sctp`)
    return undefined
  }
  return protocol as PortProtocol
}

function expand(
  target: PortRange,
  published: PortRange | undefined,
  hostIp: string | undefined,
  protocol: PortProtocol,
  path: string,
  problems: ProblemList,
): ComposePort[] {
  const count = target.end - target.start + 1
  const publishedCount = published ? published.end - published.start + 1 : 0
  if (published && publishedCount !== count) {
    if (count === 1) {
      problems.unsupported(path, 'a host port range for one container port (Docker picks one free port) is not supported; publish one host port')
    } else {
      problems.invalid(path, `the host port range has ${publishedCount} ports but the container range has ${count}`)
    }
    return []
  }
  const ports: ComposePort[] = []
  for (let i = 0; i < count; i++) {
    ports.push({
      target: target.start + i,
      ...(published ? { published: published.start + i } : {}),
      ...(hostIp ? { hostIp } : {}),
      protocol,
    })
  }
  return ports
}

function parseShort(spec: string, path: string, problems: ProblemList): ComposePort[] {
  const bad = (why: string): ComposePort[] => {
    problems.invalid(path, `invalid port "${spec}": ${why} (expected [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL])`)
    return []
  }
  const slash = spec.lastIndexOf('/')
  const protocol = parseProtocol(slash === -1 ? undefined : spec.slice(slash + 1), path, problems)
  if (!protocol) return []
  let rest = slash === -1 ? spec : spec.slice(0, slash)
  let hostIp: string | undefined
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']:')
    if (close === -1) return bad('unclosed [ around the IPv6 address')
    hostIp = rest.slice(1, close)
    rest = rest.slice(close + 2)
  }
  const parts = rest.split(':')
  if (hostIp !== undefined && parts.length !== 2) return bad('an IPv6 address needs both host and container ports')
  if (parts.length > 3) return bad('too many ":"')
  if (parts.length === 3) hostIp = parts.shift()
  const targetText = parts.pop() as string
  const publishedText = parts.pop()
  const target = parseRange(targetText)
  if (!target) return bad(`"${targetText}" is not a port or port range`)
  let published: PortRange | undefined
  if (publishedText !== undefined && publishedText !== '') {
    published = parseRange(publishedText)
    if (!published) return bad(`"${publishedText}" is not a port or port range`)
  }
  if (hostIp === '') hostIp = undefined
  return expand(target, published, hostIp, protocol, path, problems)
}

function parseLong(spec: Record<string, unknown>, path: string, problems: ProblemList): ComposePort[] {
  const targetNumber = parseInteger(spec.target)
  const target = targetNumber !== undefined ? parseRange(String(targetNumber)) : typeof spec.target === 'string' ? parseRange(spec.target) : undefined
  if (!target) {
    problems.invalid(joinPath(path, 'target'), `"${String(spec.target)}" is not a container port`)
    return []
  }
  let published: PortRange | undefined
  if (spec.published !== undefined && spec.published !== null && spec.published !== '') {
    published = parseRange(String(spec.published))
    if (!published) {
      problems.invalid(joinPath(path, 'published'), `"${String(spec.published)}" is not a host port or port range`)
      return []
    }
  }
  const protocol = parseProtocol(typeof spec.protocol === 'string' ? spec.protocol : undefined, joinPath(path, 'protocol'), problems)
  if (!protocol) return []
  const hostIp = typeof spec.host_ip === 'string' && spec.host_ip !== '' ? spec.host_ip : undefined
  return expand(target, published, hostIp, protocol, path, problems)
}

export function normalisePorts(value: unknown, path: string, problems: ProblemList): ComposePort[] {
  if (!Array.isArray(value)) return []
  return value.flatMap((item, index) => {
    const itemPath = joinPath(path, index)
    if (typeof item === 'number') return parseShort(String(item), itemPath, problems)
    if (typeof item === 'string') return parseShort(item.trim(), itemPath, problems)
    if (item !== null && typeof item === 'object') return parseLong(item as Record<string, unknown>, itemPath, problems)
    return []
  })
}

/** `expose: ["3000", "8000-8001/udp", 9000]` → `["3000/tcp", "8000/udp", "8001/udp", "9000/tcp"]`. */
export function normaliseExpose(value: unknown, path: string, problems: ProblemList): string[] {
  if (!Array.isArray(value)) return []
  const out: string[] = []
  value.forEach((item, index) => {
    const text = String(item)
    const [portText, protoText] = text.split('/')
    const range = parseRange(portText)
    const protocol = parseProtocol(protoText, joinPath(path, index), problems)
    if (!range) {
      problems.invalid(joinPath(path, index), `"${text}" is not a port or port range`)
      return
    }
    if (!protocol) return
    for (let p = range.start; p <= range.end; p++) out.push(`${p}/${protocol}`)
  })
  return [...new Set(out)]
}
