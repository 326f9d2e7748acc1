// Portainer app templates (v2 and v3 JSON). Container templates (type 1) become a one-service Compose file;
// stack templates (types 2 and 3) point at a Compose file in a git repository, which is not fetched here.

import { stringify } from 'yaml'
import type { CatalogApp, CatalogLoadResult, CatalogSkip, CatalogVariable } from './types.js'

interface PortainerEnv {
  name: string
  label?: string
  description?: string
  default?: string
  preset?: boolean
  select?: { text?: string; value: string; default?: boolean }[]
}

interface PortainerTemplate {
  type?: number
  title?: string
  name?: string
  description?: string
  note?: string
  categories?: string[]
  logo?: string
  image?: string
  ports?: string[]
  volumes?: { container: string; bind?: string; readonly?: boolean }[]
  env?: PortainerEnv[]
  labels?: { name: string; value: string }[]
  restart_policy?: string
  command?: string
  hostname?: string
  privileged?: boolean
  interactive?: boolean
  network?: string
  repository?: { url: string; stackfile: string }
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'app'

function webPortOf(ports: string[]): number | undefined {
  const tcp = ports.filter((p) => !p.endsWith('/udp')).map((p) => Number(p.replace(/\/tcp$/, '').split(':').pop()))
  const preferred = [80, 443, 8080, 3000, 8000, 9000]
  return tcp.find((p) => preferred.includes(p)) ?? tcp[0]
}

function templateToApp(t: PortainerTemplate, origin: string): CatalogApp {
  const title = t.title ?? t.name
  if (!title) throw new Error('template has no title')
  if (t.type !== undefined && t.type !== 1) {
    const where = t.repository ? ` (${t.repository.url}, ${t.repository.stackfile})` : ''
    throw new Error(`is a ${t.type === 2 ? 'Swarm' : 'Compose'} stack template kept in a git repository${where}; import that Compose file directly instead`)
  }
  if (!t.image) throw new Error('container template has no image')
  const id = slug(title)
  const variables: CatalogVariable[] = []
  const environment: Record<string, string> = {}
  for (const e of t.env ?? []) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(e.name)) throw new Error(`env name "${e.name}" is not a valid variable name`)
    const selected = e.select?.find((o) => o.default) ?? e.select?.[0]
    if (e.preset) {
      environment[e.name] = (e.default ?? selected?.value ?? '').replace(/\$/g, '$$$$')
      continue
    }
    environment[e.name] = `\${${e.name}}`
    variables.push({
      name: e.name,
      label: e.label ?? e.name,
      description: e.description,
      default: e.default ?? selected?.value,
      type: e.select ? 'select' : 'string',
      options: e.select?.map((o) => o.value),
      secret: /pass(word)?|secret|token/i.test(e.name) && !e.default,
    })
  }
  const volumes: Record<string, object> = {}
  const serviceVolumes = (t.volumes ?? []).map((v, i) => {
    if (v.bind) return `${v.bind}:${v.container}${v.readonly ? ':ro' : ''}`
    const name = `data${i + 1}`
    volumes[name] = {}
    return `${name}:${v.container}${v.readonly ? ':ro' : ''}`
  })
  const service: Record<string, unknown> = { image: t.image, restart: t.restart_policy ?? 'unless-stopped' }
  if (t.command) service.command = t.command
  if (t.hostname) service.hostname = t.hostname
  if (t.privileged) service.privileged = true
  if (t.interactive) Object.assign(service, { stdin_open: true, tty: true })
  if (t.network === 'host') service.network_mode = 'host'
  if (t.ports?.length && t.network !== 'host') service.ports = t.ports
  if (Object.keys(environment).length) service.environment = environment
  if (serviceVolumes.length) service.volumes = serviceVolumes
  if (t.labels?.length) service.labels = Object.fromEntries(t.labels.map((l) => [l.name, l.value]))
  const compose = stringify({ services: { [id]: service }, ...(Object.keys(volumes).length ? { volumes } : {}) })
  const port = webPortOf(t.ports ?? [])
  return {
    id,
    name: title,
    description: t.description,
    category: t.categories?.[0] ?? 'Other',
    icon: t.logo?.startsWith('https://') ? t.logo : undefined,
    source: 'portainer',
    origin,
    compose,
    variables,
    web: port ? { service: id, port, path: '/', scheme: port === 443 ? 'https' : 'http', hostNetwork: t.network === 'host' } : undefined,
    notes: t.note ? [t.note.replace(/<[^>]+>/g, '')] : undefined,
  }
}

export function readPortainerTemplates(json: unknown, origin: string): CatalogLoadResult {
  const doc = json as { version?: unknown; templates?: unknown }
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.templates)) {
    throw new Error('not a Portainer templates file: expected {"version": "2" | "3", "templates": [...]}')
  }
  const version = String(doc.version ?? '')
  if (!['2', '3'].includes(version)) throw new Error(`Portainer templates version "${version}" is not supported (2 and 3 are)`)
  const apps: CatalogApp[] = []
  const skipped: CatalogSkip[] = []
  const seen = new Set<string>()
  for (const [i, t] of (doc.templates as PortainerTemplate[]).entries()) {
    const ref = t?.title ?? t?.name ?? `templates[${i}]`
    try {
      const app = templateToApp(t, origin)
      if (seen.has(app.id)) throw new Error(`duplicate id "${app.id}"`)
      seen.add(app.id)
      apps.push(app)
    } catch (err) {
      skipped.push({ ref, reason: err instanceof Error ? err.message : String(err) })
    }
  }
  return { format: 'portainer', apps, skipped }
}
