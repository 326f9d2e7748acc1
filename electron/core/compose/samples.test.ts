import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadCompose, type LoadComposeResult } from './index.js'
import { ComposeError } from './problems.js'

const samples = resolve(import.meta.dirname, '../../../test/fixtures/appstore-samples')
const CASAOS_VALUES = { AppID: 'app', TZ: 'Europe/Berlin', PUID: '1000', PGID: '1000' }

function load(group: 'casaos' | 'awesome-compose', app: string): LoadComposeResult {
  const dir = join(samples, group, app)
  const file = ['docker-compose.yml', 'compose.yaml', 'compose.yml'].map((f) => join(dir, f)).find((f) => existsSync(f))
  if (!file) throw new Error(`no compose file in ${dir}`)
  const envFile = join(dir, '.env')
  return loadCompose({
    yamlText: readFileSync(file, 'utf8'),
    envFileText: existsSync(envFile) ? readFileSync(envFile, 'utf8') : undefined,
    values: group === 'casaos' ? CASAOS_VALUES : {},
    projectName: app.toLowerCase().replace(/[^a-z0-9_-]/g, '-'),
    projectDir: `/home/homeport/.local/share/homeport/apps/${app.toLowerCase()}`,
    serverHome: '/home/homeport',
  })
}

function loadError(group: 'casaos' | 'awesome-compose', app: string): ComposeError {
  try {
    load(group, app)
  } catch (err) {
    if (err instanceof ComposeError) return err
    throw err
  }
  throw new Error(`${app} loaded without the expected error`)
}

describe('CasaOS samples', () => {
  it('Pihole publishes DNS on udp 53 and tcp 53, its web UI on 8800, and resolves $AppID in its bind mount', () => {
    const { project } = load('casaos', 'Pihole')
    const pihole = Object.values(project.services)[0]
    expect(pihole.ports).toContainEqual({ target: 53, published: 53, protocol: 'udp' })
    expect(pihole.ports).toContainEqual({ target: 53, published: 53, protocol: 'tcp' })
    expect(pihole.ports).toContainEqual({ target: 80, published: 8800, protocol: 'tcp' })
    expect(pihole.capAdd).toEqual(['NET_ADMIN'])
    expect(pihole.networkMode).toEqual({ kind: 'bridge' })
    expect(pihole.networks).toEqual({})
    expect(pihole.mounts).toContainEqual(expect.objectContaining({ type: 'bind', source: '/DATA/AppData/app/etc/pihole', target: '/etc/pihole' }))
    expect(pihole.environment.TZ).toBe('Europe/Berlin')
  })

  it('Immich has 4 services, depends_on as a list, a hostname and a project network', () => {
    const { project } = load('casaos', 'Immich')
    expect(Object.keys(project.services)).toHaveLength(4)
    const server = Object.values(project.services).find((s) => Object.keys(s.dependsOn).length > 0)
    expect(server?.dependsOn).toEqual({
      redis: { condition: 'service_started', restart: false, required: true },
      database: { condition: 'service_started', restart: false, required: true },
    })
    expect(server?.ports).toEqual([{ target: 2283, published: 2283, protocol: 'tcp' }])
    expect(Object.values(project.services).some((s) => s.hostname !== undefined)).toBe(true)
    expect(project.networks.immich?.name).toBeDefined()
  })

  it('Dify has 10 services and api depends on db and redis', () => {
    const { project } = load('casaos', 'Dify')
    expect(Object.keys(project.services)).toHaveLength(10)
    expect(Object.keys(project.services.api.dependsOn).sort()).toEqual(['db', 'redis'])
  })

  it('HomeAssistant runs with network_mode host, privileged and without ports', () => {
    const { project } = load('casaos', 'HomeAssistant')
    const ha = Object.values(project.services)[0]
    expect(ha.networkMode).toEqual({ kind: 'host' })
    expect(ha.privileged).toBe(true)
    expect(ha.ports).toEqual([])
    expect(project.networks).toEqual({})
  })

  it('Linkwarden keeps service_healthy and service_started conditions', () => {
    const { project } = load('casaos', 'Linkwarden')
    expect(project.services.linkwarden.dependsOn['linkwarden-postgres'].condition).toBe('service_healthy')
    expect(project.services.linkwarden.dependsOn['linkwarden-meilisearch'].condition).toBe('service_started')
  })

  it('Jellyfin_Nvidia maps its GPU reservation to a device request for all nvidia GPUs', () => {
    const { project } = load('casaos', 'Jellyfin_Nvidia')
    const jellyfin = Object.values(project.services)[0]
    expect(jellyfin.resources.deviceRequests).toEqual([{ driver: 'nvidia', count: -1, capabilities: [['gpu']], options: {} }])
    expect(jellyfin.resources.memoryReservationBytes).toBe(256 * 1024 * 1024)
    expect(jellyfin.ports).toContainEqual({ target: 8096, published: 8097, protocol: 'tcp' })
  })

  it('MineOS expands port ranges per protocol and converts stop_grace_period to nanoseconds', () => {
    const { project } = load('casaos', 'MineOS')
    const mineos = project.services.mineos
    expect(mineos.ports.filter((p) => p.protocol === 'udp').map((p) => p.published)).toEqual([25565, 25566, 25567, 25568, 25569, 25570])
    expect(mineos.ports).toContainEqual({ target: 8443, published: 8444, protocol: 'tcp' })
    expect(mineos.stopGracePeriodNs).toBe(600e9)
    expect(mineos.environment.SERVER_PORT).toBe('8443')
    expect(mineos.containerName).toBe('mineos_server')
  })

  it('RagFlow keeps ulimits, privileged and service_healthy across 8 services', () => {
    const { project } = load('casaos', 'RagFlow')
    expect(Object.keys(project.services)).toHaveLength(8)
    const withUlimits = Object.values(project.services).find((s) => s.ulimits.nofile)
    expect(withUlimits?.ulimits.nofile).toEqual({ soft: 500000, hard: 500000 })
    expect(Object.values(project.services).some((s) => Object.values(s.dependsOn).some((d) => d.condition === 'service_healthy'))).toBe(true)
  })

  it('Blinko keeps its logging options as strings', () => {
    const { project } = load('casaos', 'Blinko')
    const withLogging = Object.values(project.services).find((s) => s.logging)
    expect(withLogging?.logging?.options).toEqual({ 'max-size': '10m', 'max-file': '3' })
  })

  it('Netdata keeps pid host, security_opt and explicit privileged false', () => {
    const { project } = load('casaos', 'Netdata')
    const netdata = Object.values(project.services)[0]
    expect(netdata.pid).toBe('host')
    expect(netdata.securityOpt.length).toBeGreaterThan(0)
    expect(netdata.privileged).toBe(false)
    expect(netdata.capAdd).toEqual(expect.arrayContaining(['SYS_PTRACE', 'SYS_ADMIN']))
  })

  it('OpenHands keeps tty and stdin_open', () => {
    const { project } = load('casaos', 'OpenHands')
    const openhands = Object.values(project.services)[0]
    expect(openhands.tty).toBe(true)
    expect(openhands.stdinOpen).toBe(true)
  })

  it('Crafty and AnythingLLM load with a warning about the obsolete version key', () => {
    for (const app of ['Crafty', 'AnythingLLM']) {
      const { warnings } = load('casaos', app)
      expect(warnings).toContainEqual({ path: 'version', message: expect.stringContaining('obsolete') })
    }
  })

  it('Unifi-Network-Application is refused because a service uses configs', () => {
    const err = loadError('casaos', 'Unifi-Network-Application')
    expect(err.code).toBe('COMPOSE_UNSUPPORTED')
    expect(err.message).toContain('services.unifi-db.configs')
  })

  it.each(['Alist-Sync', 'LibreChat', 'MariaDB', 'Medusa', 'Syncthing', 'Ztnet'])('%s normalises with an image per service', (app) => {
    const { project } = load('casaos', app)
    for (const service of Object.values(project.services)) expect(service.image).not.toBe('')
  })

  it('without AppID the bind paths fall back to blank with a warning naming the path', () => {
    const text = readFileSync(join(samples, 'casaos', 'Medusa', 'docker-compose.yml'), 'utf8')
    const { warnings } = loadCompose({ yamlText: text, values: { TZ: 'UTC', PUID: '1', PGID: '1' }, projectName: 'medusa', projectDir: '/srv/medusa' })
    expect(warnings).toContainEqual({ path: expect.stringMatching(/^services\.medusa\.volumes\[\d+\]\.source$/), message: 'The "AppID" variable is not set. Defaulting to a blank string.' })
  })
})

describe('awesome-compose samples', () => {
  it('nginx-golang-mysql plans with its secret: a file beside the compose file, mounted at /run/secrets in both services', () => {
    // The sample's password file is not in the fixture: loading and planning never read it, installing does.
    const { project } = load('awesome-compose', 'nginx-golang-mysql')
    expect(project.secrets).toEqual({ 'db-password': { file: 'db/password.txt' } })
    expect(project.services.backend.secrets).toEqual([{ source: 'db-password', target: '/run/secrets/db-password', mode: 0o400 }])
    expect(project.services.db.secrets).toEqual([{ source: 'db-password', target: '/run/secrets/db-password', mode: 0o400 }])
    expect(project.services.proxy.secrets).toBeUndefined()
    expect(project.services.backend.build).toMatchObject({ context: 'backend', target: 'builder' })
  })

  it('traefik-golang builds its backend from a folder and runs it as homeport/<app>-<service>', () => {
    const { project } = load('awesome-compose', 'traefik-golang')
    expect(project.services.backend.build).toEqual({ context: 'backend', args: {}, labels: {} })
    expect(project.services.backend.image).toBe('homeport/traefik-golang-backend:latest')
    expect(project.services.frontend.build).toBeUndefined()
  })

  it('pihole-cloudflared-DoH takes its variables from .env and keeps the static address', () => {
    const { project } = load('awesome-compose', 'pihole-cloudflared-DoH')
    expect(project.services.pihole.environment.TZ).toBe('Etc/UTC')
    expect(project.services.pihole.environment.WEBPASSWORD).toBe('changeit')
    expect(project.services.pihole.environment.ServerIPv6).toBe('')
    expect(project.services.cloudflared.networks['dns-net']).toEqual({ aliases: [], ipv4Address: '172.20.0.2' })
    expect(project.networks['dns-net']).toMatchObject({ name: 'pihole-cloudflared-doh_dns-net', ipam: { config: [{ subnet: '172.20.0.0/24' }] } })
    expect(project.services.pihole.dependsOn).toEqual({ cloudflared: { condition: 'service_started', restart: false, required: true } })
  })

  it('prometheus-grafana resolves relative binds against the project directory and declares named volumes', () => {
    const { project } = load('awesome-compose', 'prometheus-grafana')
    const binds = Object.values(project.services).flatMap((s) => s.mounts).filter((m) => m.type === 'bind')
    expect(binds.length).toBeGreaterThan(0)
    for (const bind of binds) expect(bind.source.startsWith('/home/homeport/.local/share/homeport/apps/prometheus-grafana/')).toBe(true)
    expect(Object.values(project.volumes).map((v) => v.name).every((n) => n.startsWith('prometheus-grafana_'))).toBe(true)
  })

  it('nextcloud-redis-mariadb normalises its expose list and named volumes', () => {
    const { project } = load('awesome-compose', 'nextcloud-redis-mariadb')
    expect(Object.keys(project.services)).toHaveLength(3)
    const withExpose = Object.values(project.services).filter((s) => s.expose.length > 0)
    expect(withExpose.length).toBeGreaterThan(0)
    for (const s of withExpose) for (const e of s.expose) expect(e).toMatch(/^\d+\/(tcp|udp)$/)
  })
})
