// The normalised Compose model: every field has exactly one shape, whatever syntax the file used.
// Later code turns it into Docker API calls; nothing here knows about SSH or Docker.

export type PortProtocol = 'tcp' | 'udp' | 'sctp'

export interface ComposePort {
  target: number
  /** Absent: Docker picks a free host port (Compose's `"80"` short form). */
  published?: number
  hostIp?: string
  protocol: PortProtocol
}

export type ComposeMount =
  | { type: 'bind'; source: string; target: string; readOnly: boolean; selinux?: 'z' | 'Z'; propagation?: string; createHostPath: boolean }
  | { type: 'volume'; source: string; target: string; readOnly: boolean; noCopy: boolean; subpath?: string }
  | { type: 'anonymous'; target: string; readOnly: boolean }
  | { type: 'tmpfs'; target: string; sizeBytes?: number; mode?: number }

export interface ComposeEnvFile {
  /** Absolute path on the server. */
  path: string
  required: boolean
}

export type DependsOnCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully'

export interface ComposeDependency {
  condition: DependsOnCondition
  restart: boolean
  required: boolean
}

export interface ComposeServiceNetwork {
  aliases: string[]
  ipv4Address?: string
  ipv6Address?: string
  priority?: number
}

export type ComposeNetworkMode =
  | { kind: 'default' }
  | { kind: 'host' | 'bridge' | 'none' }
  | { kind: 'service'; service: string }
  | { kind: 'container'; container: string }

export type ComposeHealthcheck =
  | { disabled: true }
  | {
      disabled: false
      /** Docker's form: ['CMD', ...], ['CMD-SHELL', 'cmd'], or absent to keep the image's test with new timings. */
      test?: string[]
      intervalNs?: number
      timeoutNs?: number
      startPeriodNs?: number
      startIntervalNs?: number
      retries?: number
    }

export interface ComposeDevice {
  source: string
  target: string
  permissions: string
}

export interface ComposeDeviceRequest {
  driver?: string
  /** -1 means all devices. */
  count?: number
  deviceIds?: string[]
  capabilities: string[][]
  options: Record<string, string>
}

export interface ComposeResources {
  memoryBytes?: number
  memoryReservationBytes?: number
  memorySwapBytes?: number
  nanoCpus?: number
  cpuShares?: number
  cpuset?: string
  pidsLimit?: number
  deviceRequests: ComposeDeviceRequest[]
}

export interface ComposeUlimit {
  soft: number
  hard: number
}

export interface ComposeRestartPolicy {
  name: 'no' | 'always' | 'on-failure' | 'unless-stopped'
  maximumRetryCount: number
}

/** `build:` of a service: the image is built from a folder on the computer that installs the app. */
export interface ComposeBuild {
  /** As written: relative paths resolve against the compose file's folder on that computer. */
  context: string
  /** Relative to the context (default `Dockerfile`). */
  dockerfile?: string
  args: Record<string, string>
  target?: string
  labels: Record<string, string>
  /** `image:` when the file names one: the built image gets that reference too, as with Compose. */
  alsoTag?: string
}

/** A top-level `secrets:` entry: its content comes from a file beside the compose file, or a variable of the app. */
export type ComposeSecretSource = { file: string } | { environment: string }

/** A secret a service gets: bind-mounted read-only from the app's folder on the server. */
export interface ComposeServiceSecret {
  /** The top-level secret's key. */
  source: string
  /** Absolute path in the container (`/run/secrets/<target or source>`). */
  target: string
  /** Mode of the file on the server (read bits only). */
  mode: number
  /** SHA-256 of the content once known, so a changed content changes the config hash; never the content. */
  sha256?: string
}

export interface ComposeService {
  name: string
  /** For a service with `build:`, the reference the build is tagged with (`homeport/<project>-<service>:<tag>`). */
  image: string
  build?: ComposeBuild
  containerName?: string
  command?: string[]
  entrypoint?: string[]
  environment: Record<string, string>
  envFiles: ComposeEnvFile[]
  ports: ComposePort[]
  /** `"3000/tcp"` form, as the Docker API's ExposedPorts keys. */
  expose: string[]
  mounts: ComposeMount[]
  networks: Record<string, ComposeServiceNetwork>
  networkMode: ComposeNetworkMode
  dependsOn: Record<string, ComposeDependency>
  healthcheck?: ComposeHealthcheck
  restart: ComposeRestartPolicy
  labels: Record<string, string>
  capAdd: string[]
  capDrop: string[]
  devices: ComposeDevice[]
  privileged: boolean
  user?: string
  workingDir?: string
  hostname?: string
  domainname?: string
  /** `"host:ip"` entries, as Docker's HostConfig.ExtraHosts. */
  extraHosts: string[]
  dns: string[]
  dnsSearch: string[]
  dnsOptions: string[]
  shmSizeBytes?: number
  ulimits: Record<string, ComposeUlimit>
  sysctls: Record<string, string>
  logging?: { driver?: string; options: Record<string, string> }
  resources: ComposeResources
  securityOpt: string[]
  pid?: string
  ipc?: string
  readOnly: boolean
  groupAdd: string[]
  stopGracePeriodNs?: number
  stopSignal?: string
  init?: boolean
  tty: boolean
  stdinOpen: boolean
  platform?: string
  pullPolicy?: string
  /** Absent when the service uses none, so the config hash of a service without secrets is unchanged. */
  secrets?: ComposeServiceSecret[]
}

export interface ComposeNetwork {
  /** Name of the network on the engine: `<project>_<key>` unless `name:` or `external` says otherwise. */
  name: string
  external: boolean
  driver?: string
  driverOpts: Record<string, string>
  internal: boolean
  attachable: boolean
  enableIpv6?: boolean
  ipam?: { driver?: string; config: { subnet?: string; ipRange?: string; gateway?: string }[] }
  labels: Record<string, string>
}

export interface ComposeVolume {
  /** Name of the volume on the engine: `<project>_<key>` unless `name:` or `external` says otherwise. */
  name: string
  external: boolean
  driver?: string
  driverOpts: Record<string, string>
  labels: Record<string, string>
}

export interface ComposeProject {
  name: string
  /** Absolute directory on the server that relative paths were resolved against. */
  workingDir: string
  services: Record<string, ComposeService>
  networks: Record<string, ComposeNetwork>
  volumes: Record<string, ComposeVolume>
  /** Top-level secrets; absent when the file defines none. */
  secrets?: Record<string, ComposeSecretSource>
}

export type ComposeProblemCode = 'COMPOSE_INVALID' | 'COMPOSE_UNSUPPORTED' | 'COMPOSE_VARIABLE_MISSING'

export interface ComposeProblem {
  code: ComposeProblemCode
  /** Path in Compose terms: `services.web.ports[0]`. Empty for the whole file. */
  path: string
  message: string
}

export interface ComposeWarning {
  path: string
  message: string
}
