import { builtImageRef, normaliseBuild } from './build-spec.js'
import type { VariableLookup } from './interpolate.js'
import { IGNORED_DEPLOY_KEYS, IGNORED_SERVICE_KEYS, UNSUPPORTED_SERVICE_KEYS } from './key-policy.js'
import { normaliseMounts, type MountContext } from './mounts.js'
import { normaliseExpose, normalisePorts } from './ports.js'
import { joinPath } from './problems.js'
import { normaliseServiceSecrets } from './secrets.js'
import {
  normaliseDependsOn,
  normaliseDeviceRequests,
  normaliseDevices,
  normaliseEnvFiles,
  normaliseEnvironment,
  normaliseExtraHosts,
  normaliseHealthcheck,
  normaliseKeyValues,
  normaliseNetworkMode,
  normaliseRestart,
  normaliseServiceNetworks,
  normaliseUlimits,
  parseDurationAt,
  scalarToString,
  stringList,
} from './service-fields.js'
import type { ComposeResources, ComposeService } from './types.js'
import { parseBool, parseBytes, parseInteger, parseNumber, splitShellWords } from './units.js'

export interface ServiceContext extends MountContext {
  lookup: VariableLookup
  projectName: string
}

type Raw = Record<string, unknown>

function command(value: unknown, path: string, ctx: ServiceContext): string[] | undefined {
  if (value === undefined || value === null) return undefined
  if (Array.isArray(value)) return value.map(scalarToString)
  const words = splitShellWords(String(value))
  if (!words) ctx.problems.invalid(path, `unclosed quote in "${String(value)}"`)
  return words
}

function bytesAt(value: unknown, path: string, ctx: ServiceContext): number | undefined {
  if (value === undefined || value === null || value === '') return undefined
  const bytes = parseBytes(value as string | number)
  if (bytes === undefined) ctx.problems.invalid(path, `"${String(value)}" is not a size (use e.g. 512m or 1g)`)
  return bytes
}

function boolAt(value: unknown, path: string, ctx: ServiceContext): boolean | undefined {
  if (value === undefined || value === null) return undefined
  const b = parseBool(value)
  if (b === undefined) ctx.problems.invalid(path, `"${String(value)}" is not true or false`)
  return b
}

function numberAt(value: unknown, path: string, ctx: ServiceContext, integer = false): number | undefined {
  if (value === undefined || value === null || value === '') return undefined
  const n = integer ? parseInteger(value) : parseNumber(value)
  if (n === undefined) ctx.problems.invalid(path, `"${String(value)}" is not ${integer ? 'a whole number' : 'a number'}`)
  return n
}

function checkKeyPolicy(raw: Raw, path: string, ctx: ServiceContext): void {
  for (const key of Object.keys(raw)) {
    if (key in UNSUPPORTED_SERVICE_KEYS) ctx.problems.unsupported(joinPath(path, key), UNSUPPORTED_SERVICE_KEYS[key])
    else if (key in IGNORED_SERVICE_KEYS) ctx.problems.warn(joinPath(path, key), IGNORED_SERVICE_KEYS[key])
  }
  const scale = raw.scale ?? (raw.deploy as Raw | null | undefined)?.replicas
  if (scale !== undefined && parseInteger(scale) !== 1) {
    ctx.problems.unsupported(joinPath(path, raw.scale !== undefined ? 'scale' : 'deploy.replicas'), 'running more than one container per service is not supported; use 1')
  }
}

function resources(raw: Raw, path: string, ctx: ServiceContext): ComposeResources {
  const deploy = (raw.deploy ?? {}) as Raw
  const deployPath = joinPath(path, 'deploy')
  for (const key of IGNORED_DEPLOY_KEYS) {
    if (deploy[key] !== undefined) ctx.problems.warn(joinPath(deployPath, key), `deploy.${key} applies to Swarm only and is ignored`)
  }
  const res = (deploy.resources ?? {}) as Raw
  const resPath = joinPath(deployPath, 'resources')
  const limits = (res.limits ?? {}) as Raw
  const reservations = (res.reservations ?? {}) as Raw
  const limitsPath = joinPath(resPath, 'limits')
  const reservationsPath = joinPath(resPath, 'reservations')
  if (reservations.generic_resources !== undefined) {
    ctx.problems.warn(joinPath(reservationsPath, 'generic_resources'), 'generic_resources apply to Swarm only and are ignored')
  }
  if (reservations.cpus !== undefined) ctx.problems.warn(joinPath(reservationsPath, 'cpus'), 'a CPU reservation has no effect outside Swarm and is ignored')

  const memLimit = bytesAt(raw.mem_limit, joinPath(path, 'mem_limit'), ctx)
  const deployMemory = bytesAt(limits.memory, joinPath(limitsPath, 'memory'), ctx)
  if (memLimit !== undefined && deployMemory !== undefined && memLimit !== deployMemory) {
    ctx.problems.invalid(joinPath(path, 'mem_limit'), `mem_limit and deploy.resources.limits.memory disagree; keep one`)
  }
  const cpus = numberAt(raw.cpus, joinPath(path, 'cpus'), ctx)
  const deployCpus = numberAt(limits.cpus, joinPath(limitsPath, 'cpus'), ctx)
  if (cpus !== undefined && deployCpus !== undefined && cpus !== deployCpus) {
    ctx.problems.invalid(joinPath(path, 'cpus'), `cpus and deploy.resources.limits.cpus disagree; keep one`)
  }
  const effectiveCpus = deployCpus ?? cpus
  const memory = deployMemory ?? memLimit
  const reservation = bytesAt(reservations.memory, joinPath(reservationsPath, 'memory'), ctx) ?? bytesAt(raw.mem_reservation, joinPath(path, 'mem_reservation'), ctx)
  const swap = raw.memswap_limit === -1 || raw.memswap_limit === '-1' ? -1 : bytesAt(raw.memswap_limit, joinPath(path, 'memswap_limit'), ctx)
  const pids = numberAt(limits.pids, joinPath(limitsPath, 'pids'), ctx, true) ?? numberAt(raw.pids_limit, joinPath(path, 'pids_limit'), ctx, true)
  const cpuShares = numberAt(raw.cpu_shares, joinPath(path, 'cpu_shares'), ctx, true)
  const deviceRequests = [
    ...normaliseDeviceRequests(reservations.devices, joinPath(reservationsPath, 'devices'), ctx.problems),
    ...normaliseDeviceRequests(raw.gpus, joinPath(path, 'gpus'), ctx.problems),
  ]
  return {
    ...(memory !== undefined ? { memoryBytes: memory } : {}),
    ...(reservation !== undefined ? { memoryReservationBytes: reservation } : {}),
    ...(swap !== undefined ? { memorySwapBytes: swap } : {}),
    ...(effectiveCpus !== undefined ? { nanoCpus: Math.round(effectiveCpus * 1e9) } : {}),
    ...(cpuShares !== undefined ? { cpuShares } : {}),
    ...(typeof raw.cpuset === 'string' ? { cpuset: raw.cpuset } : {}),
    ...(pids !== undefined ? { pidsLimit: pids } : {}),
    deviceRequests,
  }
}

function optionalString(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : String(value)
}

/** Normalises one service; returns undefined only when it cannot be represented at all. */
export function normaliseService(name: string, raw: Raw, ctx: ServiceContext): ComposeService | undefined {
  const path = joinPath('services', name)
  checkKeyPolicy(raw, path, ctx)
  const written = typeof raw.image === 'string' ? raw.image.trim() : ''
  if (written === '' && raw.build === undefined) ctx.problems.invalid(path, `service "${name}" has neither image nor build; add image: or build:`)
  const build = normaliseBuild(raw.build, joinPath(path, 'build'), written, ctx)
  const image = build ? builtImageRef(ctx.projectName, name, written) : written

  const networkMode = normaliseNetworkMode(raw.network_mode, joinPath(path, 'network_mode'), ctx.problems)
  let networks = normaliseServiceNetworks(raw.networks)
  if (networkMode.kind !== 'default' && raw.networks !== undefined) {
    ctx.problems.invalid(joinPath(path, 'networks'), 'networks cannot be combined with network_mode; keep one of them')
  }
  if (networkMode.kind === 'default' && Object.keys(networks).length === 0) networks = { default: { aliases: [] } }
  if (networkMode.kind !== 'default') networks = {}

  const logging = raw.logging as Raw | undefined
  const init = boolAt(raw.init, joinPath(path, 'init'), ctx)
  const stopGrace = parseDurationAt(raw.stop_grace_period, joinPath(path, 'stop_grace_period'), ctx.problems)
  const shm = bytesAt(raw.shm_size, joinPath(path, 'shm_size'), ctx)
  const entrypoint = command(raw.entrypoint, joinPath(path, 'entrypoint'), ctx)
  const cmd = command(raw.command, joinPath(path, 'command'), ctx)
  const healthcheck = normaliseHealthcheck(raw.healthcheck, joinPath(path, 'healthcheck'), ctx.problems)
  const secrets = normaliseServiceSecrets(raw.secrets, path, ctx.problems)

  const service: ComposeService = {
    name,
    image,
    ...(build ? { build } : {}),
    ...(typeof raw.container_name === 'string' ? { containerName: raw.container_name } : {}),
    ...(cmd !== undefined ? { command: cmd } : {}),
    ...(entrypoint !== undefined ? { entrypoint } : {}),
    environment: normaliseEnvironment(raw.environment, ctx.lookup),
    envFiles: normaliseEnvFiles(raw.env_file, joinPath(path, 'env_file'), ctx),
    ports: normalisePorts(raw.ports, joinPath(path, 'ports'), ctx.problems),
    expose: normaliseExpose(raw.expose, joinPath(path, 'expose'), ctx.problems),
    mounts: normaliseMounts(raw.volumes, raw.tmpfs, path, ctx),
    networks,
    networkMode,
    dependsOn: normaliseDependsOn(raw.depends_on, joinPath(path, 'depends_on'), ctx.problems),
    ...(healthcheck ? { healthcheck } : {}),
    restart: normaliseRestart(raw.restart, joinPath(path, 'restart'), ctx.problems),
    labels: normaliseKeyValues(raw.labels),
    capAdd: stringList(raw.cap_add),
    capDrop: stringList(raw.cap_drop),
    devices: normaliseDevices(raw.devices, joinPath(path, 'devices'), ctx.problems),
    privileged: boolAt(raw.privileged, joinPath(path, 'privileged'), ctx) ?? false,
    ...(raw.user !== undefined ? { user: String(raw.user) } : {}),
    ...(raw.working_dir !== undefined ? { workingDir: String(raw.working_dir) } : {}),
    ...(raw.hostname !== undefined ? { hostname: String(raw.hostname) } : {}),
    ...(raw.domainname !== undefined ? { domainname: String(raw.domainname) } : {}),
    extraHosts: normaliseExtraHosts(raw.extra_hosts, joinPath(path, 'extra_hosts'), ctx.problems),
    dns: stringList(raw.dns),
    dnsSearch: stringList(raw.dns_search),
    dnsOptions: stringList(raw.dns_opt),
    ...(shm !== undefined ? { shmSizeBytes: shm } : {}),
    ulimits: normaliseUlimits(raw.ulimits, joinPath(path, 'ulimits'), ctx.problems),
    sysctls: normaliseKeyValues(raw.sysctls),
    ...(logging
      ? {
          logging: {
            ...(typeof logging.driver === 'string' ? { driver: logging.driver } : {}),
            options: normaliseKeyValues(logging.options),
          },
        }
      : {}),
    resources: resources(raw, path, ctx),
    securityOpt: stringList(raw.security_opt),
    ...(optionalString(raw.pid) !== undefined ? { pid: optionalString(raw.pid) } : {}),
    ...(optionalString(raw.ipc) !== undefined ? { ipc: optionalString(raw.ipc) } : {}),
    readOnly: boolAt(raw.read_only, joinPath(path, 'read_only'), ctx) ?? false,
    groupAdd: stringList(raw.group_add),
    ...(stopGrace !== undefined ? { stopGracePeriodNs: stopGrace } : {}),
    ...(raw.stop_signal !== undefined ? { stopSignal: String(raw.stop_signal) } : {}),
    ...(init !== undefined ? { init } : {}),
    tty: boolAt(raw.tty, joinPath(path, 'tty'), ctx) ?? false,
    stdinOpen: boolAt(raw.stdin_open, joinPath(path, 'stdin_open'), ctx) ?? false,
    ...(typeof raw.platform === 'string' ? { platform: raw.platform } : {}),
    ...(typeof raw.pull_policy === 'string' ? { pullPolicy: raw.pull_policy } : {}),
    ...(secrets ? { secrets } : {}),
  }
  return service
}
