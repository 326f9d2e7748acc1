// The ways a compose file reaches past its containers into the server itself, each named with a sentence
// on what it allows, so the plan can show them and installing needs the person's consent. Containers are
// no sandbox once they run privileged, share the host's network or processes, hold the Docker socket or
// mount the host's system folders: any of these lets the app take over the server.

import type { HostAccessRiskDto } from '../../../../shared/contract/index.js'
import type { ComposeProject, ComposeService } from '../types.js'

type Risk = Omit<HostAccessRiskDto, 'service'>

const DOCKER_SOCKETS = new Set(['/var/run/docker.sock', '/run/docker.sock', '/var/run/podman/podman.sock', '/run/podman/podman.sock', '/run/containerd/containerd.sock'])

/** Host folders whose contents are the system itself; mounting one lets the app read or change it. */
const SYSTEM_PATHS = ['/etc', '/root', '/boot', '/proc', '/sys', '/dev', '/var/lib/docker', '/var/run', '/run', '/usr', '/bin', '/sbin', '/lib', '/home']

/** Capabilities that amount to root on the host (or its network) once granted. */
const POWERFUL_CAPS: Record<string, string> = {
  ALL: 'every capability the kernel has: effectively root on the server.',
  SYS_ADMIN: 'mounting file systems and most administration: close to root on the server.',
  NET_ADMIN: "changing the server's network: interfaces, routes and firewall rules.",
  NET_RAW: 'raw network packets: it can listen in on and forge traffic of the networks it is on.',
  SYS_MODULE: 'loading kernel modules: full control of the server.',
  SYS_PTRACE: 'inspecting and changing other processes it can see.',
  SYS_RAWIO: 'raw access to devices and memory.',
  DAC_READ_SEARCH: 'reading any file on mounted file systems, bypassing permissions.',
  DAC_OVERRIDE: 'writing files regardless of their permissions.',
  SYS_TIME: "setting the server's clock.",
  SYS_BOOT: 'rebooting the server.',
  BPF: 'loading BPF programs into the kernel.',
  PERFMON: 'observing the whole system through performance counters.',
}

const normalisePath = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p)

function mountRisk(source: string, readOnly: boolean): Risk | undefined {
  const path = normalisePath(source)
  const how = readOnly ? 'read' : 'read and change'
  if (DOCKER_SOCKETS.has(path)) {
    return { kind: 'docker-socket', detail: path, sentence: "The Docker socket: the app can start containers of its own with any setting, which is full control of the server." }
  }
  if (path === '/') return { kind: 'host-root', detail: path, sentence: `The server's whole file system: the app can ${how} every file on it.` }
  const system = SYSTEM_PATHS.find((p) => path === p || path.startsWith(`${p}/`))
  // Home folders are the user's own data (and where app folders live); only the whole of /home is a risk.
  if (system === '/home' && path !== '/home') return undefined
  if (system) return { kind: 'host-path', detail: path, sentence: `A system folder of the server: the app can ${how} ${path}.` }
  return undefined
}

function serviceRisks(s: ComposeService): Risk[] {
  const risks: Risk[] = []
  if (s.privileged) risks.push({ kind: 'privileged', detail: 'privileged: true', sentence: 'Runs privileged: every device and capability of the server, with almost no isolation — as good as root on the server.' })
  if (s.networkMode.kind === 'host') risks.push({ kind: 'host-network', detail: 'network_mode: host', sentence: "Shares the server's network: it can listen on any port and reach every service bound to localhost." })
  if (s.pid === 'host') risks.push({ kind: 'host-pid', detail: 'pid: host', sentence: "Sees every process of the server and can signal those it may: it is out of the container's process isolation." })
  if (s.ipc === 'host') risks.push({ kind: 'host-ipc', detail: 'ipc: host', sentence: "Shares the server's shared memory and message queues with every process on it." })
  for (const cap of s.capAdd) {
    const name = cap.toUpperCase().replace(/^CAP_/, '')
    if (POWERFUL_CAPS[name]) risks.push({ kind: 'capability', detail: name, sentence: `The ${name} capability: ${POWERFUL_CAPS[name]}` })
  }
  for (const d of s.devices) risks.push({ kind: 'device', detail: d.source, sentence: `Direct access to the server's device ${d.source}.` })
  for (const opt of s.securityOpt) {
    if (/^(apparmor|seccomp)[:=]unconfined$/i.test(opt) || /^label[:=]disable$/i.test(opt)) {
      risks.push({ kind: 'unconfined', detail: opt, sentence: `Turns off a kernel safeguard (${opt}) that limits what the container may do.` })
    }
  }
  for (const m of s.mounts) {
    if (m.type !== 'bind') continue
    const risk = mountRisk(m.source, m.readOnly)
    if (risk) risks.push(risk)
  }
  return risks
}

/** Every host access the project asks for, service by service. */
export function hostAccessRisks(project: ComposeProject): HostAccessRiskDto[] {
  return Object.values(project.services).flatMap((s) => serviceRisks(s).map((r) => ({ service: s.name, ...r })))
}

/** One line per risk, for messages and logs. */
export function describeRisks(risks: HostAccessRiskDto[]): string {
  return risks.map((r) => `${r.service}: ${r.detail} — ${r.sentence}`).join('\n')
}

/** The risks of `next` that `previous` did not have (an update needs consent only for new ones). */
export function newRisks(next: HostAccessRiskDto[], previous: HostAccessRiskDto[]): HostAccessRiskDto[] {
  const key = (r: HostAccessRiskDto) => `${r.service}\u0000${r.kind}\u0000${r.detail}`
  const had = new Set(previous.map(key))
  return next.filter((r) => !had.has(key(r)))
}
