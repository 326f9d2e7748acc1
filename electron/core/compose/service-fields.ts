// Normalisers for the service keys that come in several syntaxes (list or map, string or list, short
// or long). Each returns the one canonical shape of types.ts and records problems with their paths.

import { posix } from 'node:path'
import type { VariableLookup } from './interpolate.js'
import { resolveHostPath, type MountContext } from './mounts.js'
import { joinPath, type ProblemList } from './problems.js'
import type {
  ComposeDependency,
  ComposeDevice,
  ComposeDeviceRequest,
  ComposeEnvFile,
  ComposeHealthcheck,
  ComposeNetworkMode,
  ComposeRestartPolicy,
  ComposeServiceNetwork,
  ComposeUlimit,
  DependsOnCondition,
} from './types.js'
import { parseBool, parseDurationNs, parseInteger, parseNumber } from './units.js'

export function scalarToString(value: unknown): string {
  if (value === null || value === undefined) return ''
  return String(value)
}

/** `environment:` as a map (null takes the value from the variables) or a `K=V` / bare `K` list. */
export function normaliseEnvironment(value: unknown, lookup: VariableLookup): Record<string, string> {
  const env: Record<string, string> = {}
  if (Array.isArray(value)) {
    for (const item of value as string[]) {
      const eq = item.indexOf('=')
      if (eq === -1) {
        const fromVars = lookup(item)
        if (fromVars !== undefined) env[item] = fromVars
      } else {
        env[item.slice(0, eq)] = item.slice(eq + 1)
      }
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, raw] of Object.entries(value)) {
      if (raw === null) {
        const fromVars = lookup(key)
        if (fromVars !== undefined) env[key] = fromVars
      } else {
        env[key] = scalarToString(raw)
      }
    }
  }
  return env
}

/** `labels:` / `sysctls:` as a map or a `K=V` list (a bare `K` gets an empty value). */
export function normaliseKeyValues(value: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (Array.isArray(value)) {
    for (const item of value as string[]) {
      const eq = item.indexOf('=')
      if (eq === -1) out[item] = ''
      else out[item.slice(0, eq)] = item.slice(eq + 1)
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, raw] of Object.entries(value)) out[key] = scalarToString(raw)
  }
  return out
}

export function stringList(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.map(scalarToString)
  return []
}

export function normaliseEnvFiles(value: unknown, path: string, ctx: MountContext): ComposeEnvFile[] {
  const items = typeof value === 'string' ? [value] : Array.isArray(value) ? value : []
  return items.map((item, index) => {
    const itemPath = typeof value === 'string' ? path : joinPath(path, index)
    if (typeof item === 'string') return { path: resolveHostPath(item, ctx), required: true }
    const spec = item as { path: string; required?: unknown; format?: unknown }
    if (spec.format !== undefined && spec.format !== 'raw' && spec.format !== '') {
      ctx.problems.unsupported(joinPath(itemPath, 'format'), `env_file format "${String(spec.format)}" is not supported`)
    }
    return { path: resolveHostPath(spec.path, ctx), required: parseBool(spec.required) ?? true }
  })
}

export function normaliseDependsOn(value: unknown, path: string, problems: ProblemList): Record<string, ComposeDependency> {
  const out: Record<string, ComposeDependency> = {}
  if (Array.isArray(value)) {
    for (const name of value as string[]) out[name] = { condition: 'service_started', restart: false, required: true }
  } else if (value !== null && typeof value === 'object') {
    for (const [name, raw] of Object.entries(value as Record<string, Record<string, unknown>>)) {
      const restart = parseBool(raw.restart ?? false)
      if (restart === undefined) problems.invalid(joinPath(joinPath(path, name), 'restart'), 'must be true or false')
      out[name] = {
        condition: raw.condition as DependsOnCondition,
        restart: restart ?? false,
        required: parseBool(raw.required ?? true) ?? true,
      }
    }
  }
  return out
}

export function normaliseServiceNetworks(value: unknown): Record<string, ComposeServiceNetwork> {
  const out: Record<string, ComposeServiceNetwork> = {}
  if (Array.isArray(value)) {
    for (const name of value as string[]) out[name] = { aliases: [] }
  } else if (value !== null && typeof value === 'object') {
    for (const [name, raw] of Object.entries(value as Record<string, Record<string, unknown> | null>)) {
      const spec = raw ?? {}
      const priority = parseNumber(spec.priority)
      out[name] = {
        aliases: stringList(spec.aliases),
        ...(typeof spec.ipv4_address === 'string' ? { ipv4Address: spec.ipv4_address } : {}),
        ...(typeof spec.ipv6_address === 'string' ? { ipv6Address: spec.ipv6_address } : {}),
        ...(priority !== undefined ? { priority } : {}),
      }
    }
  }
  return out
}

export function normaliseNetworkMode(value: unknown, path: string, problems: ProblemList): ComposeNetworkMode {
  if (value === undefined || value === null || value === '') return { kind: 'default' }
  const mode = String(value)
  if (mode === 'host' || mode === 'bridge' || mode === 'none') return { kind: mode }
  if (mode.startsWith('service:') && mode.length > 'service:'.length) return { kind: 'service', service: mode.slice(8) }
  if (mode.startsWith('container:') && mode.length > 'container:'.length) return { kind: 'container', container: mode.slice(10) }
  problems.invalid(path, `network_mode "${mode}" is not valid: use host, bridge, none, service:NAME or container:NAME`)
  return { kind: 'default' }
}

function duration(value: unknown, path: string, problems: ProblemList): number | undefined {
  if (value === undefined || value === null) return undefined
  const ns = parseDurationNs(value as string | number)
  if (ns === undefined) problems.invalid(path, `"${String(value)}" is not a duration (use e.g. 30s, 1m30s, 500ms)`)
  return ns
}

export { duration as parseDurationAt }

export function normaliseHealthcheck(value: unknown, path: string, problems: ProblemList): ComposeHealthcheck | undefined {
  if (value === undefined || value === null) return undefined
  const spec = value as Record<string, unknown>
  if (parseBool(spec.disable) === true) return { disabled: true }
  let test: string[] | undefined
  if (typeof spec.test === 'string') {
    test = spec.test.trim() === 'NONE' ? ['NONE'] : ['CMD-SHELL', spec.test]
  } else if (Array.isArray(spec.test)) {
    test = spec.test.map(scalarToString)
    if (!['NONE', 'CMD', 'CMD-SHELL'].includes(test[0] ?? '')) {
      problems.invalid(joinPath(path, 'test'), 'a test list must start with "CMD", "CMD-SHELL" or "NONE"')
    } else if (test[0] !== 'NONE' && test.length < 2) {
      problems.invalid(joinPath(path, 'test'), `"${test[0]}" needs a command after it`)
    }
  }
  if (test?.[0] === 'NONE') return { disabled: true }
  const retries = spec.retries === undefined ? undefined : parseInteger(spec.retries)
  if (spec.retries !== undefined && (retries === undefined || retries < 0)) {
    problems.invalid(joinPath(path, 'retries'), `"${String(spec.retries)}" is not a whole number`)
  }
  const fields = {
    intervalNs: duration(spec.interval, joinPath(path, 'interval'), problems),
    timeoutNs: duration(spec.timeout, joinPath(path, 'timeout'), problems),
    startPeriodNs: duration(spec.start_period, joinPath(path, 'start_period'), problems),
    startIntervalNs: duration(spec.start_interval, joinPath(path, 'start_interval'), problems),
    retries,
  }
  const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined))
  return { disabled: false, ...(test ? { test } : {}), ...defined }
}

export function normaliseRestart(value: unknown, path: string, problems: ProblemList): ComposeRestartPolicy {
  if (value === undefined || value === null || value === '') return { name: 'no', maximumRetryCount: 0 }
  const text = String(value)
  if (text === 'no' || text === 'always' || text === 'unless-stopped') return { name: text, maximumRetryCount: 0 }
  const m = /^on-failure(?::(\d+))?$/.exec(text)
  if (m) return { name: 'on-failure', maximumRetryCount: m[1] ? Number(m[1]) : 0 }
  problems.invalid(path, `restart "${text}" is not valid: use no, always, on-failure[:N] or unless-stopped`)
  return { name: 'no', maximumRetryCount: 0 }
}

export function normaliseDevices(value: unknown, path: string, problems: ProblemList): ComposeDevice[] {
  if (!Array.isArray(value)) return []
  const out: ComposeDevice[] = []
  value.forEach((item, index) => {
    if (typeof item === 'string') {
      const [source, target = source, permissions = 'rwm'] = item.split(':')
      if (!source.startsWith('/') || !/^[rwm]+$/.test(permissions)) {
        problems.invalid(joinPath(path, index), `invalid device "${item}": expected /dev/HOST[:/dev/CONTAINER[:rwm]]`)
        return
      }
      out.push({ source, target, permissions })
    } else {
      const spec = item as { source: string; target?: string; permissions?: string }
      out.push({ source: spec.source, target: spec.target ?? spec.source, permissions: spec.permissions ?? 'rwm' })
    }
  })
  return out
}

/** extra_hosts as `host:ip`, `host=ip` list items or a `{host: ip | [ip…]}` map → `host:ip` entries. */
export function normaliseExtraHosts(value: unknown, path: string, problems: ProblemList): string[] {
  const out: string[] = []
  const add = (host: string, ip: string, itemPath: string) => {
    const cleanIp = ip.replace(/^\[(.*)\]$/, '$1')
    if (host === '' || cleanIp === '') problems.invalid(itemPath, `invalid extra host "${host}:${ip}": expected HOST:IP`)
    else out.push(`${host}:${cleanIp}`)
  }
  if (Array.isArray(value)) {
    value.forEach((item: string, index) => {
      const eq = item.indexOf('=')
      const sep = eq !== -1 ? eq : item.indexOf(':')
      if (sep === -1) problems.invalid(joinPath(path, index), `invalid extra host "${item}": expected HOST:IP or HOST=IP`)
      else add(item.slice(0, sep), item.slice(sep + 1), joinPath(path, index))
    })
  } else if (value !== null && typeof value === 'object') {
    for (const [host, ips] of Object.entries(value)) {
      for (const ip of stringList(ips)) add(host, ip, joinPath(path, host))
    }
  }
  return out
}

export function normaliseUlimits(value: unknown, path: string, problems: ProblemList): Record<string, ComposeUlimit> {
  const out: Record<string, ComposeUlimit> = {}
  if (value === null || typeof value !== 'object') return out
  for (const [name, raw] of Object.entries(value)) {
    const spec = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : { soft: raw, hard: raw }
    const soft = parseInteger(spec.soft)
    const hard = parseInteger(spec.hard)
    if (soft === undefined || hard === undefined) {
      problems.invalid(joinPath(path, name), 'ulimit values must be whole numbers')
    } else if (soft > hard && hard !== -1) {
      problems.invalid(joinPath(path, name), `soft limit ${soft} is above hard limit ${hard}`)
    } else {
      out[name] = { soft, hard }
    }
  }
  return out
}

function deviceCount(value: unknown): number | undefined {
  if (value === undefined) return undefined
  if (value === 'all' || value === -1) return -1
  return parseInteger(value)
}

/** `deploy.resources.reservations.devices` and `gpus:` → Docker's HostConfig.DeviceRequests. */
export function normaliseDeviceRequests(value: unknown, path: string, problems: ProblemList): ComposeDeviceRequest[] {
  if (value === 'all') return [{ count: -1, capabilities: [['gpu']], options: {} }]
  if (!Array.isArray(value)) return []
  return value.map((item: Record<string, unknown>, index) => {
    const count = deviceCount(item.count)
    if (item.count !== undefined && count === undefined) problems.invalid(joinPath(joinPath(path, index), 'count'), 'must be a number or "all"')
    const capabilities = stringList(item.capabilities)
    return {
      ...(typeof item.driver === 'string' ? { driver: item.driver } : {}),
      ...(count !== undefined ? { count } : item.device_ids === undefined ? { count: -1 } : {}),
      ...(item.device_ids !== undefined ? { deviceIds: stringList(item.device_ids) } : {}),
      capabilities: [capabilities.length > 0 ? capabilities : ['gpu']],
      options: normaliseKeyValues(item.options),
    }
  })
}

export function isAbsolutePosix(p: string): boolean {
  return posix.isAbsolute(p)
}
