import { execFileSync } from 'node:child_process'
import { createServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { zipSync, strToU8 } from 'fflate'
import { afterAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { loadCatalog, loadCatalogFolder } from './load-catalog.js'
import { readPortainerTemplates } from './portainer.js'

const repo = resolve(import.meta.dirname, '../../../..')
const bundled = join(repo, 'resources/catalog')
const samples = join(repo, 'test/fixtures/appstore-samples')
const fixtures = join(repo, 'test/unit/catalog')
const temps: string[] = []
afterAll(async () => Promise.all(temps.map((t) => rm(t, { recursive: true, force: true }))))

describe('bundled catalog', () => {
  it('has its 25 complete apps (the count README.md gives), each with a web port on a declared service and secrets marked', async () => {
    const { format, apps, skipped } = await loadCatalogFolder(bundled)
    expect(format).toBe('bundled')
    expect(skipped).toEqual([])
    expect(apps).toHaveLength(25)
    for (const app of apps) {
      const compose = parse(app.compose) as { services: Record<string, { image?: string; network_mode?: string }> }
      expect(app.icon, app.id).toMatch(/^data:image\/svg\+xml;base64,/)
      expect(app.web, app.id).toBeDefined()
      expect(Object.keys(compose.services), app.id).toContain(app.web!.service)
      for (const svc of Object.values(compose.services)) expect(svc.image, app.id).toMatch(/^(docker\.io|ghcr\.io|lscr\.io)\//)
      const used = new Set([...app.compose.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]))
      const declared = new Set([...app.variables.map((v) => v.name), 'TZ', 'PUID', 'PGID'])
      for (const name of used) expect(declared.has(name), `${app.id} uses undeclared \${${name}}`).toBe(true)
    }
    const vaultwarden = apps.find((a) => a.id === 'vaultwarden')!
    expect(vaultwarden.variables.find((v) => v.name === 'ADMIN_TOKEN')?.secret).toBe(true)
    expect(apps.find((a) => a.id === 'home-assistant')!.web).toMatchObject({ port: 8123, hostNetwork: true })
  })
})

describe('CasaOS format', () => {
  it('imports every sample app with its web port and moves /DATA/AppData into the app folder', async () => {
    const { format, apps, skipped } = await loadCatalogFolder(join(samples, 'casaos'))
    expect(format).toBe('casaos')
    expect(skipped).toEqual([])
    expect(apps).toHaveLength(20)
    const syncthing = apps.find((a) => a.id === 'syncthing')!
    expect(syncthing).toMatchObject({ name: 'Syncthing', category: 'Productivity', web: { service: 'syncthing', port: 8384, path: '/' } })
    expect(syncthing.compose).toContain('source: ./appdata/config')
    expect(syncthing.compose).not.toContain('/DATA/AppData')
    expect(syncthing.compose).toContain('source: /DATA\n')
    const alist = apps.find((a) => a.name === 'Alist-Sync')!
    expect(alist.web).toMatchObject({ service: 'alist-sync', port: 52441 })
    expect(alist.notes?.join(' ')).toContain('admin/admin')
    const ha = apps.find((a) => a.name === 'Home Assistant' || a.id === 'homeassistant')!
    expect(ha.web).toMatchObject({ hostNetwork: true, port: 8123 })
    // MariaDB has no port_map: no web page, but still installable
    expect(apps.find((a) => a.id === 'mariadb')!.web).toBeUndefined()
  })
})

describe('Umbrel format', () => {
  it('maps app_proxy to a loopback-published web port and APP_* to Homeport variables', async () => {
    const { format, apps, skipped } = await loadCatalogFolder(join(fixtures, 'umbrel'))
    expect(format).toBe('umbrel')
    const notes = apps.find((a) => a.id === 'notes-keeper')!
    expect(notes.web).toEqual({ service: 'web', port: 3000, path: '/app', scheme: 'http' })
    const compose = parse(notes.compose) as { services: Record<string, { ports?: string[] }> }
    expect(compose.services.app_proxy).toBeUndefined()
    expect(compose.services.web.ports).toEqual(['${BIND_ADDRESS}:${WEB_PORT}:3000'])
    const vars = Object.fromEntries(notes.variables.map((v) => [v.name, v]))
    expect(vars.APP_PASSWORD.secret).toBe(true)
    expect(vars.APP_SEED.secret).toBe(true)
    expect(vars.APP_DATA_DIR.host).toBe(true)
    expect(vars.WEB_PORT.default).toBe('8765')
    expect(vars.BIND_ADDRESS.default).toBe('127.0.0.1')
    expect(notes.files).toEqual({ 'settings.env': 'LOG_LEVEL=info\nUPLOAD_LIMIT=50mb\n' })
    expect(notes.notes?.[0]).toContain('generated app password')
    const scanner = apps.find((a) => a.id === 'lan-scanner')!
    expect(scanner.web).toMatchObject({ service: 'scanner', port: 8890, hostNetwork: true })
    expect(skipped).toEqual([{ ref: 'btc-explorer', reason: expect.stringMatching(/other Umbrel apps installed first \(bitcoin\)/) }])
  })
})

describe('Portainer templates', () => {
  it('turns container templates into compose apps and says why stack templates are skipped', async () => {
    const json = JSON.parse(await readFile(join(fixtures, 'portainer/templates.json'), 'utf8'))
    const { apps, skipped } = readPortainerTemplates(json, 'templates.json')
    expect(apps.map((a) => a.id)).toEqual(['nginx', 'mysql'])
    const nginx = parse(apps[0].compose) as { services: { nginx: Record<string, unknown> }; volumes: Record<string, unknown> }
    expect(nginx.services.nginx).toMatchObject({ image: 'nginx:1.27', ports: ['8080:80/tcp', '443/tcp'], volumes: ['data1:/etc/nginx', '/srv/www:/usr/share/nginx/html:ro'] })
    expect(Object.keys(nginx.volumes)).toEqual(['data1'])
    expect(apps[0].web).toMatchObject({ port: 80 })
    const mysql = apps[1]
    expect(mysql.variables.find((v) => v.name === 'MYSQL_ROOT_PASSWORD')?.secret).toBe(true)
    expect(mysql.variables.find((v) => v.name === 'MYSQL_CHARSET')).toMatchObject({ type: 'select', default: 'utf8mb4', options: ['utf8mb4', 'latin1'] })
    expect(mysql.compose).toContain('MYSQL_FIXED: p$$ss')
    expect(skipped.map((s) => s.ref)).toEqual(['WordPress stack', 'Broken'])
    expect(skipped[0].reason).toContain('stacks/wordpress/docker-compose.yml')
    expect(skipped[1].reason).toContain('no image')
  })

  it('rejects an unknown templates version with a clear message', () => {
    expect(() => readPortainerTemplates({ version: '1', templates: [] }, 'x')).toThrow(/version "1" is not supported/)
    expect(() => readPortainerTemplates({ nope: true }, 'x')).toThrow(/not a Portainer templates file/)
  })
})

describe('archives and URLs', () => {
  it('reads a CasaOS store from a .zip and an Umbrel repo from a .tar.gz', async () => {
    const work = await mkdtemp(join(tmpdir(), 'hp-cat-'))
    temps.push(work)
    const syncthing = await readFile(join(samples, 'casaos/Syncthing/docker-compose.yml'))
    const zipPath = join(work, 'store.zip')
    await writeFile(zipPath, zipSync({ 'CasaOS-AppStore-main/Apps/Syncthing/docker-compose.yml': new Uint8Array(syncthing), 'CasaOS-AppStore-main/README.md': strToU8('hi') }))
    const fromZip = await loadCatalog(zipPath)
    expect(fromZip.format).toBe('casaos')
    expect(fromZip.apps.map((a) => a.id)).toEqual(['syncthing'])
    expect(fromZip.apps[0].origin).toBe(zipPath)

    const tgz = join(work, 'umbrel.tar.gz')
    execFileSync('tar', ['-czf', tgz, '-C', join(fixtures, 'umbrel'), 'notes-keeper'])
    const fromTar = await loadCatalog(tgz)
    expect(fromTar.apps.map((a) => a.id)).toEqual(['notes-keeper'])
    expect(fromTar.apps[0].files?.['settings.env']).toContain('LOG_LEVEL')
  })

  it('refuses a zip entry that climbs out of the extraction folder', async () => {
    const work = await mkdtemp(join(tmpdir(), 'hp-cat-'))
    temps.push(work)
    const zipPath = join(work, 'evil.zip')
    await writeFile(zipPath, zipSync({ '../../escape.txt': strToU8('x') }))
    await expect(loadCatalog(zipPath)).rejects.toThrow(/unsafe path/)
  })

  it('downloads Portainer templates from an https URL and refuses a certificate it cannot verify', async () => {
    const work = await mkdtemp(join(tmpdir(), 'hp-cat-'))
    temps.push(work)
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(work, 'key.pem'), '-out', join(work, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' })
    const cert = await readFile(join(work, 'cert.pem'), 'utf8')
    const body = await readFile(join(fixtures, 'portainer/templates.json'))
    const server = createServer({ key: await readFile(join(work, 'key.pem')), cert }, (req, res) => {
      if (req.url === '/moved') return void res.writeHead(302, { location: '/templates.json' }).end()
      if (req.url !== '/templates.json') return void res.writeHead(404).end()
      res.writeHead(200, { 'content-type': 'application/json' }).end(body)
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      const result = await loadCatalog(`${base}/moved`, { ca: cert })
      expect(result.format).toBe('portainer')
      expect(result.apps.map((a) => a.id)).toEqual(['nginx', 'mysql'])
      await expect(loadCatalog(`${base}/templates.json`)).rejects.toMatchObject({ code: 'UNREACHABLE' })
      await expect(loadCatalog(`${base}/missing.json`, { ca: cert })).rejects.toThrow(/HTTP 404/)
    } finally {
      server.close()
    }
  })

  it('refuses plain http and says no apps were found in an empty folder', async () => {
    await expect(loadCatalog('http://example.org/templates.json')).rejects.toThrow(/plain http/)
    const empty = await mkdtemp(join(tmpdir(), 'hp-cat-'))
    temps.push(empty)
    await expect(loadCatalog(empty)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('No apps found') })
  })

  it('says a mistyped path does not exist, and a file that is no catalog is not one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hp-cat-'))
    temps.push(dir)
    await expect(loadCatalog(join(dir, 'catalgo'))).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: `The catalog ${join(dir, 'catalgo')} does not exist on this computer.`,
      cliHint: expect.stringContaining('--catalog'),
    })
    await writeFile(join(dir, 'broken.json'), '{ "templates": [')
    await expect(loadCatalog(join(dir, 'broken.json'))).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('is not valid JSON') })
    await writeFile(join(dir, 'notes.txt'), 'just text')
    await expect(loadCatalog(join(dir, 'notes.txt'))).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('is not a catalog') })
  })
})
