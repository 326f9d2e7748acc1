// Turns one normalised Compose service into the Docker Engine API's container-create body, labelled the
// way Docker Compose labels its own containers so `docker compose` on the server sees the same stack.

import { secretServerPath } from '../secrets.js'
import type { ComposeMount, ComposeProject, ComposeService } from '../types.js'
import { RUN_LABEL } from './journal.js'

export const LABEL = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  number: 'com.docker.compose.container-number',
  oneoff: 'com.docker.compose.oneoff',
  configHash: 'com.docker.compose.config-hash',
  workingDir: 'com.docker.compose.project.working_dir',
  configFiles: 'com.docker.compose.project.config_files',
  version: 'com.docker.compose.version',
  network: 'com.docker.compose.network',
  volume: 'com.docker.compose.volume',
  dependsOn: 'com.docker.compose.depends_on',
  image: 'com.docker.compose.image',
  managedBy: 'io.homeport.managed',
} as const

/** Written as the compose version label: Compose reads it only for display. */
export const COMPOSE_VERSION_LABEL = '2.29.0'
export const COMPOSE_FILE = 'compose.yml'

export function containerName(project: string, service: ComposeService): string {
  return service.containerName ?? `${project}-${service.name}-1`
}

const nsToSeconds = (ns: number | undefined) => (ns === undefined ? undefined : Math.round(ns / 1e9))

function bindString(m: Extract<ComposeMount, { type: 'bind' }>): string {
  const opts = [m.readOnly ? 'ro' : 'rw', m.selinux, m.propagation].filter(Boolean).join(',')
  return `${m.source}:${m.target}:${opts}`
}

export interface ContainerSpecInput {
  project: ComposeProject
  service: ComposeService
  /** The image reference to run (after a registry-mirror rewrite). */
  image: string
  configHash: string
  /** Environment from env_file entries, read on the server; the service's own environment wins. */
  envFromFiles?: Record<string, string>
  /** For `network_mode: service:x`: container ids by service name. */
  containerIds?: Record<string, string>
  /** The run creating it (journal.ts RUN_LABEL): its rollback removes what carries this id, and nothing else. */
  runId?: string
}

export interface ContainerCreateBody {
  name: string
  body: Record<string, unknown>
  /** Networks to connect after create (the API accepts one network at create time on older engines). */
  extraNetworks: { name: string; aliases: string[]; ipv4Address?: string; ipv6Address?: string }[]
}

export function containerSpec({ project, service, image, configHash, envFromFiles = {}, containerIds = {}, runId }: ContainerSpecInput): ContainerCreateBody {
  const env = { ...envFromFiles, ...service.environment }
  const labels: Record<string, string> = {
    ...service.labels,
    [LABEL.project]: project.name,
    [LABEL.service]: service.name,
    [LABEL.number]: '1',
    [LABEL.oneoff]: 'False',
    [LABEL.configHash]: configHash,
    [LABEL.workingDir]: project.workingDir,
    [LABEL.configFiles]: `${project.workingDir}/${COMPOSE_FILE}`,
    [LABEL.version]: COMPOSE_VERSION_LABEL,
    [LABEL.image]: image,
    [LABEL.dependsOn]: Object.entries(service.dependsOn)
      .map(([name, d]) => `${name}:${d.condition}:${d.restart}`)
      .join(','),
    [LABEL.managedBy]: 'true',
    ...(runId ? { [RUN_LABEL]: runId } : {}),
  }

  const exposed: Record<string, object> = {}
  const portBindings: Record<string, { HostIp: string; HostPort: string }[]> = {}
  for (const e of service.expose) exposed[e] = {}
  for (const p of service.ports) {
    const key = `${p.target}/${p.protocol}`
    exposed[key] = {}
    ;(portBindings[key] ??= []).push({ HostIp: p.hostIp ?? '', HostPort: p.published === undefined ? '' : String(p.published) })
  }

  const binds: string[] = []
  const mounts: Record<string, unknown>[] = []
  for (const m of service.mounts) {
    if (m.type === 'bind') {
      if (m.createHostPath) binds.push(bindString(m))
      else mounts.push({ Type: 'bind', Source: m.source, Target: m.target, ReadOnly: m.readOnly, ...(m.propagation ? { BindOptions: { Propagation: m.propagation } } : {}) })
    } else if (m.type === 'volume') {
      const name = project.volumes[m.source]?.name ?? m.source
      mounts.push({ Type: 'volume', Source: name, Target: m.target, ReadOnly: m.readOnly, VolumeOptions: { NoCopy: m.noCopy, ...(m.subpath ? { Subpath: m.subpath } : {}) } })
    } else if (m.type === 'anonymous') {
      mounts.push({ Type: 'volume', Target: m.target, ReadOnly: m.readOnly })
    } else {
      mounts.push({ Type: 'tmpfs', Target: m.target, TmpfsOptions: { ...(m.sizeBytes ? { SizeBytes: m.sizeBytes } : {}), ...(m.mode ? { Mode: m.mode } : {}) } })
    }
  }
  // As `docker compose` does without Swarm: the secret's file, bind-mounted read-only.
  for (const secret of service.secrets ?? []) {
    mounts.push({ Type: 'bind', Source: secretServerPath(project.workingDir, secret.source), Target: secret.target, ReadOnly: true })
  }

  let networkMode: string
  const endpoints: { name: string; aliases: string[]; ipv4Address?: string; ipv6Address?: string }[] = []
  const mode = service.networkMode
  if (mode.kind === 'default') {
    const nets = Object.keys(service.networks).length ? service.networks : { default: { aliases: [] } }
    const ordered = Object.entries(nets).sort((a, b) => (b[1].priority ?? 0) - (a[1].priority ?? 0))
    for (const [key, n] of ordered) {
      endpoints.push({ name: project.networks[key]?.name ?? `${project.name}_${key}`, aliases: [service.name, ...n.aliases], ipv4Address: n.ipv4Address, ipv6Address: n.ipv6Address })
    }
    networkMode = endpoints[0].name
  } else if (mode.kind === 'service') {
    const id = containerIds[mode.service]
    if (!id) throw new Error(`network_mode service:${mode.service} needs that service's container first`)
    networkMode = `container:${id}`
  } else if (mode.kind === 'container') {
    networkMode = `container:${mode.container}`
  } else {
    networkMode = mode.kind
  }
  const [first, ...rest] = endpoints
  const endpointConfig = (e: (typeof endpoints)[number]) => ({
    Aliases: e.aliases,
    ...(e.ipv4Address || e.ipv6Address ? { IPAMConfig: { ...(e.ipv4Address ? { IPv4Address: e.ipv4Address } : {}), ...(e.ipv6Address ? { IPv6Address: e.ipv6Address } : {}) } } : {}),
  })

  const hc = service.healthcheck
  const healthcheck = !hc
    ? undefined
    : hc.disabled
      ? { Test: ['NONE'] }
      : { Test: hc.test, Interval: hc.intervalNs, Timeout: hc.timeoutNs, StartPeriod: hc.startPeriodNs, StartInterval: hc.startIntervalNs, Retries: hc.retries }
  const r = service.resources

  const hostConfig: Record<string, unknown> = {
    Binds: binds,
    Mounts: mounts,
    PortBindings: portBindings,
    RestartPolicy: { Name: service.restart.name === 'no' ? '' : service.restart.name, MaximumRetryCount: service.restart.maximumRetryCount },
    NetworkMode: networkMode,
    CapAdd: service.capAdd,
    CapDrop: service.capDrop,
    Devices: service.devices.map((d) => ({ PathOnHost: d.source, PathInContainer: d.target, CgroupPermissions: d.permissions })),
    Privileged: service.privileged,
    ExtraHosts: service.extraHosts,
    Dns: service.dns,
    DnsSearch: service.dnsSearch,
    DnsOptions: service.dnsOptions,
    ShmSize: service.shmSizeBytes,
    Ulimits: Object.entries(service.ulimits).map(([Name, u]) => ({ Name, Soft: u.soft, Hard: u.hard })),
    Sysctls: service.sysctls,
    LogConfig: service.logging?.driver ? { Type: service.logging.driver, Config: service.logging.options } : undefined,
    Memory: r.memoryBytes,
    MemoryReservation: r.memoryReservationBytes,
    MemorySwap: r.memorySwapBytes,
    NanoCpus: r.nanoCpus,
    CpuShares: r.cpuShares,
    CpusetCpus: r.cpuset,
    PidsLimit: r.pidsLimit,
    DeviceRequests: r.deviceRequests.map((d) => ({ Driver: d.driver ?? '', Count: d.count ?? 0, DeviceIDs: d.deviceIds ?? null, Capabilities: d.capabilities, Options: d.options })),
    SecurityOpt: service.securityOpt,
    PidMode: service.pid,
    IpcMode: service.ipc,
    ReadonlyRootfs: service.readOnly,
    GroupAdd: service.groupAdd,
    Init: service.init,
  }

  const body: Record<string, unknown> = {
    Image: image,
    Cmd: service.command,
    Entrypoint: service.entrypoint,
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    Labels: labels,
    ExposedPorts: exposed,
    Tty: service.tty,
    OpenStdin: service.stdinOpen,
    AttachStdin: false,
    User: service.user,
    WorkingDir: service.workingDir,
    Hostname: service.hostname,
    Domainname: service.domainname,
    StopSignal: service.stopSignal,
    StopTimeout: nsToSeconds(service.stopGracePeriodNs),
    Healthcheck: healthcheck,
    HostConfig: hostConfig,
    NetworkingConfig: first ? { EndpointsConfig: { [first.name]: endpointConfig(first) } } : undefined,
  }
  return { name: containerName(project.name, service), body: dropUndefined(body), extraNetworks: rest }
}

function dropUndefined<T extends Record<string, unknown>>(obj: T): T {
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined) delete obj[k]
    else if (v && typeof v === 'object' && !Array.isArray(v)) dropUndefined(v as Record<string, unknown>)
  }
  return obj
}
