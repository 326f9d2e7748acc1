// Checks that need the whole project: references between services, networks and volumes, dependency
// cycles and host ports two services would both bind.

import { joinPath, type ProblemList } from './problems.js'
import type { ComposeProject, ComposeService } from './types.js'

const SERVICE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/

/** Services this one must start after: depends_on plus the implicit one of `network_mode: service:x`. */
export function startDependencies(service: ComposeService): string[] {
  const deps = Object.keys(service.dependsOn)
  if (service.networkMode.kind === 'service' && !deps.includes(service.networkMode.service)) deps.push(service.networkMode.service)
  return deps
}

function checkReferences(project: ComposeProject, problems: ProblemList): void {
  const names = new Set(Object.keys(project.services))
  for (const service of Object.values(project.services)) {
    const path = joinPath('services', service.name)
    if (!SERVICE_NAME.test(service.name)) {
      problems.invalid(path, `invalid service name "${service.name}": start with a letter or digit, then letters, digits, ".", "_" or "-"`)
    }
    for (const [dep, spec] of Object.entries(service.dependsOn)) {
      if (names.has(dep)) continue
      if (spec.required) problems.invalid(joinPath(joinPath(path, 'depends_on'), dep), `depends on service "${dep}", which is not defined`)
      else problems.warn(joinPath(joinPath(path, 'depends_on'), dep), `optional dependency "${dep}" is not defined and is skipped`)
    }
    if (service.networkMode.kind === 'service' && !names.has(service.networkMode.service)) {
      problems.invalid(joinPath(path, 'network_mode'), `uses the network of service "${service.networkMode.service}", which is not defined`)
    }
    if (service.networkMode.kind === 'service' && service.networkMode.service === service.name) {
      problems.invalid(joinPath(path, 'network_mode'), 'a service cannot use its own network')
    }
    for (const network of Object.keys(service.networks)) {
      if (!(network in project.networks)) {
        problems.invalid(joinPath(joinPath(path, 'networks'), network), `network "${network}" is not declared under the top-level networks:`)
      }
    }
    for (const mount of service.mounts) {
      if (mount.type === 'volume' && !(mount.source in project.volumes)) {
        problems.invalid(joinPath(path, 'volumes'), `named volume "${mount.source}" is not declared under the top-level volumes:`)
      }
    }
    if (service.networkMode.kind === 'host' && service.ports.length > 0) {
      problems.warn(joinPath(path, 'ports'), 'ports are ignored with network_mode: host; the app listens on the server directly')
    }
  }
}

/** Depth-first search; reports each cycle once, as `a → b → a`. */
function checkCycles(project: ComposeProject, problems: ProblemList): void {
  const state = new Map<string, 'visiting' | 'done'>()
  const stack: string[] = []
  const reported = new Set<string>()
  const visit = (name: string): void => {
    state.set(name, 'visiting')
    stack.push(name)
    for (const dep of startDependencies(project.services[name])) {
      if (!(dep in project.services)) continue
      if (state.get(dep) === 'visiting') {
        const cycle = [...stack.slice(stack.indexOf(dep)), dep]
        const key = [...cycle.slice(0, -1)].sort().join(',')
        if (!reported.has(key)) {
          reported.add(key)
          problems.invalid(joinPath(joinPath('services', name), 'depends_on'), `dependency cycle: ${cycle.join(' → ')}`)
        }
      } else if (!state.has(dep)) {
        visit(dep)
      }
    }
    stack.pop()
    state.set(name, 'done')
  }
  for (const name of Object.keys(project.services)) if (!state.has(name)) visit(name)
}

const ANY_ADDRESS = new Set(['', '0.0.0.0', '::'])

function addressesOverlap(a: string, b: string): boolean {
  return a === b || ANY_ADDRESS.has(a) || ANY_ADDRESS.has(b)
}

/** Published ports by `port/protocol`, so each new one is compared with the few on the same port only. */
function checkPortClashes(project: ComposeProject, problems: ProblemList): void {
  const taken = new Map<string, { service: string; ip: string }[]>()
  for (const service of Object.values(project.services)) {
    if (service.networkMode.kind === 'host' || service.networkMode.kind === 'service' || service.networkMode.kind === 'container') continue
    for (const port of service.ports) {
      if (port.published === undefined) continue
      const ip = port.hostIp ?? ''
      const key = `${port.published}/${port.protocol}`
      const onPort = taken.get(key) ?? []
      const clash = onPort.find((t) => addressesOverlap(t.ip, ip))
      if (clash) {
        const who = clash.service === service.name ? `twice by service "${service.name}"` : `by both "${clash.service}" and "${service.name}"`
        problems.invalid(
          joinPath(joinPath('services', service.name), 'ports'),
          `port clash: host port ${port.published}/${port.protocol}${ip ? ` on ${ip}` : ''} is published ${who}`,
        )
      } else {
        taken.set(key, [...onPort, { service: service.name, ip }])
      }
    }
  }
}

function checkContainerNames(project: ComposeProject, problems: ProblemList): void {
  const seen = new Map<string, string>()
  for (const service of Object.values(project.services)) {
    if (!service.containerName) continue
    const other = seen.get(service.containerName)
    if (other) {
      problems.invalid(joinPath(joinPath('services', service.name), 'container_name'), `container name "${service.containerName}" is also used by service "${other}"`)
    } else {
      seen.set(service.containerName, service.name)
    }
  }
}

export function checkProject(project: ComposeProject, problems: ProblemList): void {
  checkReferences(project, problems)
  checkCycles(project, problems)
  checkPortClashes(project, problems)
  checkContainerNames(project, problems)
}
