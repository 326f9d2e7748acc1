// Human output of the apps commands: the plan as a readable list, apps and catalogs as tables, log lines
// prefixed with their service like Docker Compose does.

import type { AppDto, CatalogDto, LogLineDto, PlanDto } from '../../shared/contract/index.js'
import { table } from './output.js'

export function formatPlan(plan: PlanDto): string {
  const out: string[] = []
  if (plan.upToDate) out.push(`${plan.app} is up to date: nothing to pull, create or recreate.`)
  else out.push(`Plan for ${plan.app}:`)
  const pulls = plan.images.filter((i) => i.pull)
  const builds = plan.images.filter((i) => i.build)
  const present = plan.images.filter((i) => !i.pull && !i.build)
  if (pulls.length || present.length || builds.length) {
    out.push('', 'Images')
    for (const i of builds) out.push(`  build    ${i.image}  (${i.service})`)
    for (const i of pulls) out.push(`  pull     ${i.image}  (${i.service})`)
    for (const i of present) out.push(`  present  ${i.image}  (${i.service})`)
  }
  if (plan.networks.length) {
    out.push('', 'Networks')
    for (const n of plan.networks) out.push(`  ${n.action.padEnd(8)} ${n.name}`)
  }
  if (plan.volumes.length) {
    out.push('', 'Volumes')
    for (const v of plan.volumes) out.push(`  ${v.action.padEnd(8)} ${v.name}`)
  }
  if (plan.containers.length) {
    out.push('', 'Containers')
    const width = Math.max(...plan.containers.map((c) => c.name.length))
    for (const c of plan.containers) out.push(`  ${c.action.padEnd(8)} ${c.name.padEnd(width)}  ${c.reason}`)
  }
  if (plan.secrets?.length) {
    out.push('', 'Secrets (read-only files in the containers)')
    for (const x of plan.secrets) out.push(`  ${x.service}: ${x.name} at ${x.path}`)
  }
  out.push(...formatPlanValues(plan))
  if (plan.warnings.length) {
    out.push('', 'Warnings')
    for (const w of plan.warnings) out.push(`  ! ${w}`)
  }
  if (plan.risks?.length) {
    out.push('', 'Access to the server itself (installing needs --allow-host-access)')
    for (const r of plan.risks) out.push(`  ! ${r.service}: ${r.detail} — ${r.sentence}`)
  }
  return out.join('\n') + '\n'
}

/** The values the plan will use: settings, ports published on the server, folders of the server. */
function formatPlanValues(plan: PlanDto): string[] {
  const out: string[] = []
  if (plan.settings?.length) {
    out.push('', 'Settings (change with --env NAME=VALUE)')
    const width = Math.max(...plan.settings.map((s) => s.name.length))
    for (const s of plan.settings) {
      const value = s.secret ? '(secret: generated, or kept from before; stored in the keychain)' : s.value === '' ? '(empty)' : s.value
      out.push(`  ${s.name.padEnd(width)}  ${value}${s.label ? `  — ${s.label}` : ''}`)
    }
  }
  if (plan.ports?.length) {
    out.push('', 'Ports on the server')
    for (const p of plan.ports) {
      const at = `${p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp}:${p.published ?? '(any free port)'}`
      const reach = p.hostIp === '127.0.0.1' || p.hostIp === '::1' ? 'this server only; open it with `homeport apps open`' : 'reachable from the network'
      out.push(`  ${at} → ${p.service} ${p.target}/${p.protocol}  (${reach})`)
    }
  }
  if (plan.folders?.length) {
    out.push('', 'Folders of the server')
    for (const f of plan.folders) out.push(`  ${f.source} → ${f.service}:${f.target}${f.readOnly ? ' (read-only)' : ''}`)
  }
  return out
}

export function formatCatalog(catalog: CatalogDto): string {
  return table(
    ['ID', 'NAME', 'CATEGORY', 'TAGLINE'],
    catalog.apps.map((a) => [a.id, a.name, a.category, a.tagline ?? '']),
  )
}

export function formatSkipped(catalog: CatalogDto): string {
  return catalog.skipped.map((s) => `skipped ${s.ref}: ${s.reason}\n`).join('')
}

export function formatApps(apps: AppDto[]): string {
  if (!apps.length) return 'No apps on this server yet. Install one with `homeport apps install SERVER APP_ID`.\n'
  return table(
    ['NAME', 'STATE', 'HEALTH', 'MANAGED', 'SERVICES', 'WEB'],
    apps.map((a) => [
      a.name,
      a.state,
      a.health ?? '-',
      a.managed ? 'yes' : 'no (compose)',
      a.services.map((s) => `${s.service}:${s.state}${s.health ? `(${s.health})` : ''}`).join(', '),
      a.web ? `${a.web.service}:${a.web.port}` : '-',
    ]),
  )
}

export function formatApp(app: AppDto): string {
  return `${app.name}: ${app.state}${app.health ? `, ${app.health}` : ''} (${app.services.map((s) => `${s.service} ${s.state}`).join(', ') || 'no containers'})\n`
}

/** `service | text`, the service names padded to one width as `docker compose logs` does. */
export function logPrefixer(services: string[]): (line: LogLineDto) => string {
  let width = Math.max(0, ...services.map((s) => s.length))
  return (line) => {
    width = Math.max(width, line.service.length)
    return `${line.service.padEnd(width)} | ${line.time ? `${line.time} ` : ''}${line.text}\n`
  }
}

export function writeLogLine(line: LogLineDto, format: (line: LogLineDto) => string): void {
  ;(line.stream === 'stderr' ? process.stderr : process.stdout).write(format(line))
}

/** `--since`: a duration (`90s`, `10m`, `2h`, `1d`), unix seconds, or a date Date.parse understands. */
export function parseSince(value: string, now = Date.now()): number | undefined {
  const d = /^(\d+(?:\.\d+)?)(s|m|h|d)$/.exec(value)
  if (d) return Math.floor(now / 1000 - Number(d[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[d[2] as 's' | 'm' | 'h' | 'd'])
  if (/^\d+$/.test(value)) return Number(value)
  const t = Date.parse(value)
  return Number.isNaN(t) ? undefined : Math.floor(t / 1000)
}
