// Volume syntax: short (`name:/path`, `./rel:/path:ro`, `~/x:/y:z`, `/path` anonymous) and long
// (`{type: bind|volume|tmpfs, source, target, read_only, bind: {...}, volume: {...}, tmpfs: {...}}`),
// plus the service-level `tmpfs:` key. Bind sources become absolute paths on the server.

import { posix } from 'node:path'
import { joinPath, type ProblemList } from './problems.js'
import type { ComposeMount } from './types.js'
import { parseBool, parseBytes, parseInteger } from './units.js'

export interface MountContext {
  projectDir: string
  serverHome: string
  problems: ProblemList
}

const PROPAGATIONS = new Set(['shared', 'slave', 'private', 'rshared', 'rslave', 'rprivate'])
const IGNORED_MODES = new Set(['cached', 'delegated', 'consistent'])

function isPathSource(source: string): boolean {
  return source.startsWith('/') || source.startsWith('.') || source.startsWith('~')
}

export function resolveHostPath(source: string, ctx: MountContext): string {
  if (source === '~') return ctx.serverHome
  if (source.startsWith('~/')) return posix.join(ctx.serverHome, source.slice(2))
  return posix.resolve(ctx.projectDir, source)
}

function parseShort(spec: string, path: string, ctx: MountContext): ComposeMount | undefined {
  const parts = spec.split(':')
  if (parts.length === 1) {
    if (!parts[0].startsWith('/')) {
      ctx.problems.invalid(path, `invalid volume "${spec}": the container path must be absolute`)
      return undefined
    }
    return { type: 'anonymous', target: parts[0], readOnly: false }
  }
  if (parts.length > 3) {
    ctx.problems.invalid(path, `invalid volume "${spec}": expected SOURCE:TARGET[:MODE]`)
    return undefined
  }
  const [source, target, modeText = ''] = parts
  if (source === '' || !target.startsWith('/')) {
    ctx.problems.invalid(path, `invalid volume "${spec}": expected SOURCE:TARGET[:MODE] with an absolute TARGET`)
    return undefined
  }
  let readOnly = false
  let selinux: 'z' | 'Z' | undefined
  let propagation: string | undefined
  let noCopy = false
  for (const mode of modeText.split(',').filter((m) => m !== '')) {
    if (mode === 'ro') readOnly = true
    else if (mode === 'rw') readOnly = false
    else if (mode === 'z' || mode === 'Z') selinux = mode
    else if (mode === 'nocopy') noCopy = true
    else if (PROPAGATIONS.has(mode)) propagation = mode
    else if (!IGNORED_MODES.has(mode)) {
      ctx.problems.invalid(path, `invalid volume mode "${mode}" in "${spec}": use ro, rw, z, Z, nocopy or a propagation mode`)
      return undefined
    }
  }
  if (isPathSource(source)) {
    return {
      type: 'bind',
      source: resolveHostPath(source, ctx),
      target,
      readOnly,
      ...(selinux ? { selinux } : {}),
      ...(propagation ? { propagation } : {}),
      // The short syntax creates a missing host directory, as `docker run -v` does.
      createHostPath: true,
    }
  }
  return { type: 'volume', source, target, readOnly, noCopy }
}

function parseLong(spec: Record<string, unknown>, path: string, ctx: MountContext): ComposeMount | undefined {
  const type = spec.type as string
  const target = typeof spec.target === 'string' ? spec.target : undefined
  const source = typeof spec.source === 'string' ? spec.source : undefined
  const readOnly = parseBool(spec.read_only) ?? false
  if (!target || !target.startsWith('/')) {
    ctx.problems.invalid(joinPath(path, 'target'), 'a mount needs an absolute target path in the container')
    return undefined
  }
  switch (type) {
    case 'bind': {
      if (!source) {
        ctx.problems.invalid(joinPath(path, 'source'), 'a bind mount needs a source path on the server')
        return undefined
      }
      const bind = (spec.bind ?? {}) as Record<string, unknown>
      return {
        type: 'bind',
        source: resolveHostPath(source, ctx),
        target,
        readOnly,
        ...(bind.selinux === 'z' || bind.selinux === 'Z' ? { selinux: bind.selinux } : {}),
        ...(typeof bind.propagation === 'string' ? { propagation: bind.propagation } : {}),
        createHostPath: parseBool(bind.create_host_path) ?? false,
      }
    }
    case 'volume': {
      const volume = (spec.volume ?? {}) as Record<string, unknown>
      if (!source) return { type: 'anonymous', target, readOnly }
      return {
        type: 'volume',
        source,
        target,
        readOnly,
        noCopy: parseBool(volume.nocopy) ?? false,
        ...(typeof volume.subpath === 'string' ? { subpath: volume.subpath } : {}),
      }
    }
    case 'tmpfs': {
      const tmpfs = (spec.tmpfs ?? {}) as Record<string, unknown>
      const sizeBytes = tmpfs.size === undefined ? undefined : parseBytes(tmpfs.size as string | number)
      if (tmpfs.size !== undefined && sizeBytes === undefined) {
        ctx.problems.invalid(joinPath(joinPath(path, 'tmpfs'), 'size'), `"${String(tmpfs.size)}" is not a size (use e.g. 64m)`)
      }
      const mode = tmpfs.mode === undefined ? undefined : parseInteger(typeof tmpfs.mode === 'string' ? parseInt(tmpfs.mode, 8) : tmpfs.mode)
      return { type: 'tmpfs', target, ...(sizeBytes !== undefined ? { sizeBytes } : {}), ...(mode !== undefined ? { mode } : {}) }
    }
    default:
      ctx.problems.unsupported(joinPath(path, 'type'), `mounts of type "${type}" are not supported; use bind, volume or tmpfs`)
      return undefined
  }
}

export function normaliseMounts(volumes: unknown, tmpfs: unknown, path: string, ctx: MountContext): ComposeMount[] {
  const mounts: ComposeMount[] = []
  if (Array.isArray(volumes)) {
    volumes.forEach((item, index) => {
      const itemPath = joinPath(joinPath(path, 'volumes'), index)
      const mount =
        typeof item === 'string' ? parseShort(item, itemPath, ctx) : parseLong(item as Record<string, unknown>, itemPath, ctx)
      if (mount) mounts.push(mount)
    })
  }
  const tmpfsList = typeof tmpfs === 'string' ? [tmpfs] : Array.isArray(tmpfs) ? (tmpfs as string[]) : []
  tmpfsList.forEach((entry, index) => {
    const entryPath = typeof tmpfs === 'string' ? joinPath(path, 'tmpfs') : joinPath(joinPath(path, 'tmpfs'), index)
    const [target, optionText = ''] = entry.split(/:(.*)/s)
    if (!target.startsWith('/')) {
      ctx.problems.invalid(entryPath, `tmpfs "${entry}" needs an absolute path`)
      return
    }
    let sizeBytes: number | undefined
    let mode: number | undefined
    for (const option of optionText.split(',').filter((o) => o !== '')) {
      const [key, val = ''] = option.split('=')
      if (key === 'size') sizeBytes = parseBytes(val)
      else if (key === 'mode') mode = parseInt(val, 8)
    }
    mounts.push({ type: 'tmpfs', target, ...(sizeBytes !== undefined ? { sizeBytes } : {}), ...(mode !== undefined && !Number.isNaN(mode) ? { mode } : {}) })
  })
  const seen = new Map<string, number>()
  mounts.forEach((mount, index) => {
    const first = seen.get(mount.target)
    if (first !== undefined) ctx.problems.invalid(joinPath(path, 'volumes'), `two mounts use the same container path ${mount.target}`)
    else seen.set(mount.target, index)
  })
  return mounts
}
