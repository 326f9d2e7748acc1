// Umbrel app format: <app-id>/umbrel-app.yml (manifest) + docker-compose.yml that is not runnable alone.
// umbrelOS supplies APP_* variables and an `app_proxy` service in front of the web UI; here the proxy
// becomes a port published on BIND_ADDRESS (loopback by default) that Homeport forwards over SSH.

import { readFile, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { isMap, isSeq, parseDocument } from 'yaml'
import { referencedVariables } from '../../compose/interpolate.js'
import { storeFields } from './store-fields.js'
import type { CatalogApp, CatalogVariable } from './types.js'

/** Variables umbrelOS provides that have a Homeport equivalent. */
const PROVIDED: Record<string, Omit<CatalogVariable, 'name'>> = {
  APP_DATA_DIR: { label: "App folder on the server", type: 'path', secret: false, host: true },
  UMBREL_ROOT: { label: 'Homeport data folder on the server', type: 'path', secret: false, host: true },
  DEVICE_HOSTNAME: { label: 'Server host name', type: 'string', secret: false, host: true },
  DEVICE_DOMAIN_NAME: { label: 'Server domain name', type: 'string', secret: false, host: true },
  APP_DOMAIN: { label: 'Server domain name', type: 'string', secret: false, host: true },
  APP_PASSWORD: { label: 'App password', type: 'string', secret: true },
  APP_SEED: { label: 'App seed', type: 'string', secret: true },
}
const TOR = new Set(['TOR_PROXY_IP', 'TOR_PROXY_PORT', 'TOR_DATA_DIR', 'APP_HIDDEN_SERVICE'])
const KEPT_FILES_MAX = 256 * 1024


async function packageFiles(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {}
  for (const name of await readdir(dir)) {
    if (['umbrel-app.yml', 'docker-compose.yml', 'exports.sh'].includes(name)) continue
    const info = await stat(join(dir, name))
    if (!info.isFile() || info.size > KEPT_FILES_MAX) continue
    files[name] = await readFile(join(dir, name), 'utf8')
  }
  return files
}

export async function readUmbrelApp(dir: string): Promise<CatalogApp> {
  const manifest = parseDocument(await readFile(join(dir, 'umbrel-app.yml'), 'utf8')).toJS() as Record<string, unknown>
  if (!manifest || typeof manifest.id !== 'string') throw new Error('umbrel-app.yml has no id')
  const id = manifest.id
  const deps = Array.isArray(manifest.dependencies) ? manifest.dependencies.map(String) : []
  if (deps.length) throw new Error(`needs other Umbrel apps installed first (${deps.join(', ')}), which Homeport does not provide`)
  if (manifest.torOnly === true) throw new Error('is reachable only over Tor (torOnly), which Homeport does not provide')

  const composeText = await readFile(join(dir, 'docker-compose.yml'), 'utf8')
  const doc = parseDocument(composeText)
  if (doc.errors.length) throw new Error(`docker-compose.yml is not valid YAML: ${doc.errors[0].message}`)
  const services = doc.get('services')
  if (!isMap(services)) throw new Error('docker-compose.yml declares no services')

  const used = new Set(referencedVariables(composeText))
  const tor = [...used].filter((v) => TOR.has(v))
  if (tor.length) throw new Error(`uses umbrelOS's Tor proxy (${tor.join(', ')}), which Homeport does not provide`)
  const unknown = [...used].filter((v) => /^APP_/.test(v) && !PROVIDED[v] && v !== 'APP_PROXY_PORT')
  if (unknown.length) throw new Error(`uses variables exported by other Umbrel apps (${unknown.join(', ')})`)

  const manifestPort = Number(manifest.port)
  const variables: CatalogVariable[] = [...used]
    .filter((v) => PROVIDED[v])
    .map((v) => ({ name: v, ...PROVIDED[v] }))
  let web: CatalogApp['web']
  const path = typeof manifest.path === 'string' && manifest.path ? manifest.path : '/'

  const proxy = services.get('app_proxy')
  if (isMap(proxy)) {
    const env = (proxy.toJSON() as { environment?: Record<string, unknown> | string[] }).environment ?? {}
    const envMap = Array.isArray(env) ? Object.fromEntries(env.map((e) => e.split('=', 2))) : env
    const appHost = String(envMap.APP_HOST ?? '')
    const appPort = Number(envMap.APP_PORT)
    const service = appHost.replace(new RegExp(`^${id.replace(/[-.]/g, '\\$&')}[_-]`), '').replace(/[_-]1$/, '')
    const target = services.get(service)
    if (!isMap(target) || !Number.isInteger(appPort)) {
      throw new Error(`app_proxy points at ${appHost}:${envMap.APP_PORT ?? '?'}, which is not a service of this app`)
    }
    services.delete('app_proxy')
    const published = `\${BIND_ADDRESS}:\${WEB_PORT}:${appPort}`
    const existing = target.get('ports')
    if (isSeq(existing)) existing.add(published)
    else target.set('ports', doc.createNode([published]))
    variables.push(
      { name: 'WEB_PORT', label: 'Web port on the server', type: 'port', default: String(manifestPort || appPort), secret: false },
      {
        name: 'BIND_ADDRESS',
        label: 'Listen on',
        description: '127.0.0.1 keeps the app reachable only through Homeport; 0.0.0.0 lets other devices on your network open it too.',
        type: 'string',
        default: '127.0.0.1',
        secret: false,
      },
    )
    web = { service, port: appPort, path, scheme: 'http' }
  } else {
    const hostService = services.items.find((p) => isMap(p.value) && p.value.get('network_mode') === 'host')
    if (hostService && Number.isInteger(manifestPort)) {
      web = { service: String((hostService.key as { value?: unknown }).value ?? hostService.key), port: manifestPort, path, scheme: 'http', hostNetwork: true }
    }
  }

  const notes: string[] = []
  if (manifest.defaultUsername || manifest.defaultPassword) {
    notes.push(`Default login: ${manifest.defaultUsername ?? '(none)'} / ${manifest.deterministicPassword ? 'the generated app password' : (manifest.defaultPassword ?? '(none)')}`)
  }
  return {
    id,
    name: String(manifest.name ?? id),
    tagline: typeof manifest.tagline === 'string' ? manifest.tagline : undefined,
    description: typeof manifest.description === 'string' ? manifest.description.trim() : undefined,
    ...storeFields(manifest),
    source: 'umbrel',
    origin: dir,
    compose: doc.toString(),
    files: await packageFiles(dir),
    variables,
    web,
    notes: notes.length ? notes : undefined,
  }
}
