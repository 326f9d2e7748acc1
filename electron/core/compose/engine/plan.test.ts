import { readdirSync, readFileSync, existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readCasaOSApp } from '../../apps/catalog/casaos.js'
import { configHash, loadCompose } from '../index.js'
import type { HomeportError } from '../../../../shared/errors.js'
import { LABEL, containerSpec } from './container-spec.js'
import { computePlan, startOrder, type ServerState } from './plan.js'
import { applyMirror } from './image-mirror.js'
import { hostValues } from '../../apps/app-values.js'

const samples = resolve(import.meta.dirname, '../../../../test/fixtures/appstore-samples')
const facts = { home: '/home/ann', uid: 1000, gid: 1000, timezone: 'Europe/Paris' }
const empty: ServerState = { containers: [], networks: new Set(), volumes: new Set(), images: new Map() }

function planFor(name: string, yamlText: string, envFileText?: string) {
  const dir = `/home/ann/.local/share/homeport/apps/${name}`
  const host = hostValues(facts, name)
  const { project } = loadCompose({ yamlText, envFileText, values: host, projectName: name, projectDir: dir, serverHome: facts.home })
  const images = Object.fromEntries(Object.entries(project.services).map(([k, s]) => [k, applyMirror(s.image, '127.0.0.1:5000')]))
  const hashes = Object.fromEntries(Object.entries(project.services).map(([k, s]) => [k, configHash(s)]))
  return { project, plan: computePlan(project, empty, { images, hashes }), images, hashes }
}

/** What each sample must do: plan every service, or fail naming what is unsupported. */
const UNSUPPORTED: Record<string, RegExp> = {
  'Unifi-Network-Application': /configs/,
}

describe('every app store sample plans or says what is unsupported', () => {
  // Each sample is a folder; the licence files beside them are not apps.
  const folders = (group: string) => readdirSync(join(samples, group), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)
  const casaos = folders('casaos')
  const awesome = folders('awesome-compose')

  it.each(casaos)('CasaOS %s', async (app) => {
    const imported = await readCasaOSApp(join(samples, 'casaos', app, 'docker-compose.yml'))
    const name = imported.id.replace(/[^a-z0-9_-]/g, '-')
    if (UNSUPPORTED[app]) {
      expect(() => planFor(name, imported.compose)).toThrow(UNSUPPORTED[app])
      try {
        planFor(name, imported.compose)
      } catch (err) {
        expect((err as HomeportError).code).toBe('COMPOSE_UNSUPPORTED')
      }
      return
    }
    const { project, plan } = planFor(name, imported.compose)
    const services = Object.keys(project.services)
    expect(plan.containers.map((c) => c.service).sort()).toEqual([...services].sort())
    expect(plan.containers.every((c) => c.action === 'create')).toBe(true)
    expect(plan.images.every((i) => i.pull)).toBe(true)
    // Dependencies start first.
    const order = startOrder(project)
    for (const s of services) for (const dep of Object.keys(project.services[s].dependsOn)) expect(order.indexOf(dep)).toBeLessThan(order.indexOf(s))
    // CasaOS app data lands in the app's folder, never in a literal $AppID path.
    expect(JSON.stringify(project)).not.toContain('$AppID')
  })

  it.each(awesome)('awesome-compose %s', (sample) => {
    const dir = join(samples, 'awesome-compose', sample)
    const file = ['compose.yaml', 'compose.yml', 'docker-compose.yml'].map((f) => join(dir, f)).find(existsSync)!
    const env = existsSync(join(dir, '.env')) ? readFileSync(join(dir, '.env'), 'utf8') : undefined
    if (UNSUPPORTED[sample]) {
      expect(() => planFor(sample.toLowerCase(), readFileSync(file, 'utf8'), env)).toThrow(UNSUPPORTED[sample])
      return
    }
    const { plan } = planFor(sample.toLowerCase(), readFileSync(file, 'utf8'), env)
    expect(plan.containers.length).toBeGreaterThan(0)
  })
})

describe('container spec', () => {
  it('labels containers the way Docker Compose does and maps ports, mounts and health', () => {
    const { project, images, hashes } = planFor(
      'blog',
      `
services:
  web:
    image: nginx:1.27
    ports: ["127.0.0.1:8080:80", "53:53/udp"]
    volumes: ["data:/data:ro", "./conf:/etc/nginx/conf.d", {type: tmpfs, target: /cache, tmpfs: {size: 1048576}}]
    environment: {A: "1"}
    depends_on: {db: {condition: service_healthy}}
    healthcheck: {test: ["CMD", "true"], interval: 5s, retries: 3}
    restart: unless-stopped
    mem_limit: 256m
  db:
    image: docker.io/library/postgres:16
volumes:
  data: {}
`,
    )
    const spec = containerSpec({ project, service: project.services.web, image: images.web, configHash: hashes.web })
    expect(spec.name).toBe('blog-web-1')
    const body = spec.body as { Image: string; Labels: Record<string, string>; HostConfig: Record<string, unknown>; Healthcheck: Record<string, unknown>; NetworkingConfig: unknown; Env: string[] }
    expect(body.Image).toBe('127.0.0.1:5000/library/nginx:1.27')
    expect(body.Labels).toMatchObject({
      [LABEL.project]: 'blog',
      [LABEL.service]: 'web',
      [LABEL.number]: '1',
      [LABEL.oneoff]: 'False',
      [LABEL.configHash]: hashes.web,
      [LABEL.workingDir]: '/home/ann/.local/share/homeport/apps/blog',
      [LABEL.configFiles]: '/home/ann/.local/share/homeport/apps/blog/compose.yml',
      [LABEL.dependsOn]: 'db:service_healthy:false',
    })
    expect(body.HostConfig.PortBindings).toEqual({ '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }], '53/udp': [{ HostIp: '', HostPort: '53' }] })
    expect(body.HostConfig.Mounts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Type: 'volume', Source: 'blog_data', Target: '/data', ReadOnly: true }),
        expect.objectContaining({ Type: 'tmpfs', Target: '/cache', TmpfsOptions: { SizeBytes: 1048576 } }),
      ]),
    )
    expect(body.HostConfig.Binds).toEqual(['/home/ann/.local/share/homeport/apps/blog/conf:/etc/nginx/conf.d:rw'])
    expect(body.HostConfig).toMatchObject({ RestartPolicy: { Name: 'unless-stopped' }, Memory: 256 * 1024 * 1024, NetworkMode: 'blog_default' })
    expect(body.Healthcheck).toMatchObject({ Test: ['CMD', 'true'], Interval: 5e9, Retries: 3 })
    expect(body.NetworkingConfig).toEqual({ EndpointsConfig: { blog_default: { Aliases: ['web'] } } })
    expect(body.Env).toEqual(['A=1'])
  })

  it('plans recreate only for the service whose configuration changed, and removes orphans', () => {
    const base = planFor('shop', 'services:\n  a:\n    image: busybox\n  b:\n    image: busybox\n')
    const running = (service: string, hash: string) =>
      ({ Id: `id-${service}`, Names: [`/shop-${service}-1`], State: 'running', ImageID: 'sha256:x', Labels: { [LABEL.project]: 'shop', [LABEL.service]: service, [LABEL.oneoff]: 'False', [LABEL.configHash]: hash } }) as never
    const state: ServerState = {
      containers: [running('a', base.hashes.a), running('b', 'stale'), running('gone', 'x')],
      networks: new Set(['shop_default']),
      volumes: new Set(),
      images: new Map([[base.images.a, 'sha256:x']]),
    }
    const plan = computePlan(base.project, state, { images: base.images, hashes: base.hashes })
    expect(plan.containers.map((c) => [c.service, c.action])).toEqual([
      ['a', 'keep'],
      ['b', 'recreate'],
      ['gone', 'remove'],
    ])
    expect(plan.upToDate).toBe(false)
  })
})
