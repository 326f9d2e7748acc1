// CasaOS AppStore format: one docker-compose.yml per app with store metadata in a top-level `x-casaos`.
// Host-provided variables are bare ($AppID, $TZ, $PUID, $PGID); CasaOS keeps app data under
// /DATA/AppData/$AppID, which we move into the app's own folder on the server so no root-owned /DATA is needed.

import { readFile } from 'node:fs/promises'
import { basename, dirname } from 'node:path'
import { isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml'
import { storeFields } from './store-fields.js'
import type { CatalogApp, CatalogVariable } from './types.js'

type LocaleMap = Record<string, string> | string | undefined

function pickLocale(value: LocaleMap, locale = 'en_US'): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string') return value
  return value[locale] ?? value.en_US ?? value.en_GB ?? Object.values(value)[0]
}

const APPDATA_PREFIX = /^\/DATA\/AppData\/(\$AppID|\$\{AppID\})(?=\/|$)/

/** Rewrites CasaOS's /DATA/AppData/$AppID bind sources to ./appdata inside the app folder. */
function relocateAppData(doc: Document): number {
  let moved = 0
  const services = doc.get('services')
  if (!isMap(services)) return 0
  for (const pair of services.items) {
    const volumes = isMap(pair.value) ? pair.value.get('volumes') : undefined
    if (!isSeq(volumes)) continue
    volumes.items.forEach((item, index) => {
      if (isScalar(item) && typeof item.value === 'string' && APPDATA_PREFIX.test(item.value)) {
        volumes.set(index, item.value.replace(APPDATA_PREFIX, './appdata'))
        moved++
      } else if (isMap(item)) {
        const source = item.get('source')
        if (typeof source === 'string' && APPDATA_PREFIX.test(source)) {
          item.set('source', source.replace(APPDATA_PREFIX, './appdata'))
          moved++
        }
      }
    })
  }
  return moved
}

interface PortEntry {
  target?: number
  published?: number
}

function portsOf(service: unknown): PortEntry[] {
  const ports = (service as { ports?: unknown[] } | undefined)?.ports
  if (!Array.isArray(ports)) return []
  return ports.map((p): PortEntry => {
    if (typeof p === 'object' && p !== null) {
      const o = p as { target?: unknown; published?: unknown }
      return { target: Number(o.target), published: o.published === undefined ? undefined : Number(o.published) }
    }
    // short syntax: [ip:]published:target[/proto]
    const parts = String(p).replace(/\/(tcp|udp|sctp)$/, '').split(':')
    const target = Number(parts[parts.length - 1])
    const published = parts.length >= 2 ? Number(parts[parts.length - 2]) : undefined
    return { target, published }
  })
}

export async function readCasaOSApp(composePath: string): Promise<CatalogApp> {
  const text = await readFile(composePath, 'utf8')
  const doc = parseDocument(text)
  if (doc.errors.length) throw new Error(`docker-compose.yml is not valid YAML: ${doc.errors[0].message}`)
  const data = doc.toJS() as Record<string, unknown>
  const meta = data['x-casaos'] as Record<string, unknown> | undefined
  if (!meta || typeof meta !== 'object') throw new Error('docker-compose.yml has no x-casaos block: not a CasaOS app')
  const services = (data.services ?? {}) as Record<string, Record<string, unknown>>
  const serviceNames = Object.keys(services)
  if (serviceNames.length === 0) throw new Error('docker-compose.yml declares no services')

  const folder = basename(dirname(composePath))
  const id = String(data.name ?? folder).toLowerCase().replace(/[^a-z0-9_-]+/g, '-')
  const notes: string[] = []
  const moved = relocateAppData(doc)
  if (moved) notes.push(`App data that CasaOS keeps in /DATA/AppData/${'$'}AppID is stored in the app's folder on the server (./appdata).`)

  const mainName = typeof meta.main === 'string' && services[meta.main] ? meta.main : serviceNames[0]
  const main = services[mainName]
  let web: CatalogApp['web']
  const portMap = meta.port_map === undefined || meta.port_map === '' ? undefined : Number(meta.port_map)
  if (portMap !== undefined && Number.isInteger(portMap)) {
    const hostNetwork = main?.network_mode === 'host'
    const match = portsOf(main).find((p) => p.published === portMap)
    const port = hostNetwork ? portMap : match?.target
    if (port) {
      const scheme = meta.scheme === 'https' ? 'https' : 'http'
      web = { service: mainName, port, path: typeof meta.index === 'string' ? meta.index : '/', scheme, hostNetwork }
    }
  }
  const tips = meta.tips as { before_install?: LocaleMap } | undefined
  const tip = pickLocale(tips?.before_install)
  if (tip) notes.push(tip.trim())

  const variables: CatalogVariable[] = [
    { name: 'AppID', label: 'App name', type: 'string', secret: false, host: true },
  ]
  return {
    id,
    name: pickLocale(meta.title as LocaleMap) ?? folder,
    tagline: pickLocale(meta.tagline as LocaleMap),
    description: pickLocale(meta.description as LocaleMap)?.trim(),
    ...storeFields(meta),
    source: 'casaos',
    origin: composePath,
    compose: doc.toString(),
    variables,
    web,
    notes: notes.length ? notes : undefined,
    architectures: Array.isArray(meta.architectures) ? meta.architectures.map(String) : undefined,
  }
}
