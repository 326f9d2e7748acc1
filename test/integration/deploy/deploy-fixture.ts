// What the deploy tests share: a project folder whose Dockerfile builds FROM the test registry's httpd image,
// a loop of HTTP requests through the app's port counting failures, and the version containers on the server.

import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import type { JobDto } from '../../../shared/contract/index.js'
import { docker, removeTestContainers } from '../../homeserver/helpers.js'
import type { HomeServerInfo } from '../../homeserver/types.js'
import { homeServerInput, openTestCore, type TestCore } from '../core/test-core.js'
import { caddyTestImage } from './caddy-image.js'

export interface Project {
  dir: string
  /** Rewrites the page the app serves (a changed deploy) and whether it answers its health path. */
  write(page: string, opts?: { healthy?: boolean }): void
  dispose(): void
}

export function httpdImage(hs: HomeServerInfo): string {
  const image = hs.images.find((i) => i.includes('/homeport/httpd:'))
  if (!image) throw new Error('the test registry has no httpd image')
  return image
}

export function testProject(hs: HomeServerInfo, homeportYml: string): Project {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homeport-deploy-project-'))
  fs.mkdirSync(path.join(dir, 'www'))
  fs.writeFileSync(path.join(dir, 'Dockerfile'), `FROM ${httpdImage(hs)}\nCOPY www /www\nEXPOSE 8080\nCMD ["httpd", "-f", "-vv", "-p", "8080", "-h", "/www"]\n`)
  fs.writeFileSync(path.join(dir, 'homeport.yml'), homeportYml)
  const project: Project = {
    dir,
    write(page, opts = {}) {
      fs.writeFileSync(path.join(dir, 'www/index.html'), `${page}\n`)
      const health = path.join(dir, 'www/health')
      if (opts.healthy === false) fs.rmSync(health, { force: true })
      else fs.writeFileSync(health, 'ok\n')
    },
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  }
  project.write('v1')
  return project
}

/** A core with the home server added as `server`, deploying through the test Caddy image under the proxy name `proxy` of the test file. */
export async function openDeployCore(hs: HomeServerInfo, server: string, proxy: string): Promise<TestCore> {
  const image = await caddyTestImage(hs)
  const core = await openTestCore()
  await core.call('servers.add', homeServerInput(hs, server))
  await core.call('settings.set', { key: 'deploy.proxyImage', value: image })
  await core.call('settings.set', { key: 'deploy.proxyName', value: proxy })
  return core
}

/** Deploys the project folder `dir` and waits for the job to end, whatever its outcome. */
export async function deployJob(core: TestCore, dir: string): Promise<JobDto> {
  const { jobId } = await core.call('deploy.run', { dir })
  return core.finishedJob(jobId)
}

/** One GET on a fresh connection: the body, or why it failed. */
export function get(port: number, urlPath = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false, timeout: 10_000 }, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (c: string) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: body.trim() }))
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error('timed out')))
    req.on('error', reject)
  })
}

export interface LoadLoop {
  requests: number
  failures: string[]
  /**
   * The bodies answered, in order, with repeats collapsed: ['v1', 'v2'] across one swap. An answer to a
   * request sent before the last change was first seen is left out: it was in flight across the switch.
   */
  seen: string[]
  stop(): Promise<void>
}

/** Requests the app without pause (`concurrency` at a time) until stopped; every error or non-200 answer is a failure. */
export function loadLoop(port: number, concurrency = 2): LoadLoop {
  let running = true
  const loop: LoadLoop = {
    requests: 0,
    failures: [],
    seen: [],
    stop: async () => {
      running = false
      await Promise.all(workers)
    },
  }
  let sent = 0
  let lastChangeSeenAt = 0
  const worker = async () => {
    while (running) {
      loop.requests++
      const sentAt = ++sent
      try {
        const { status, body } = await get(port)
        if (status !== 200) loop.failures.push(`HTTP ${status}: ${body.slice(0, 200)}`)
        else if (loop.seen.at(-1) !== body && sentAt > lastChangeSeenAt) {
          loop.seen.push(body)
          lastChangeSeenAt = sent
        }
      } catch (err) {
        loop.failures.push(err instanceof Error ? err.message : String(err))
      }
    }
  }
  const workers = Array.from({ length: concurrency }, worker)
  return loop
}

/** The app's version containers on the server: name and state, straight from the engine. */
export async function versionContainersOnServer(app: string): Promise<{ name: string; state: string }[]> {
  const out = await docker(['ps', '-a', '--filter', `label=io.homeport.deploy.app=${app}`, '--format', '{{.Names}} {{.State}}'])
  return out
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [name = '', state = ''] = l.split(' ')
      return { name, state }
    })
    .sort((a, b) => a.name.localeCompare(b.name))
}

/** Everything a test file's deploys left on the server: version containers and images, its proxy and network, and their folders. */
export async function removeDeployLeftovers(hs: HomeServerInfo, apps: string[], proxy: string): Promise<void> {
  for (const app of apps) {
    await removeTestContainers(`homeport-deploy-${app}-`)
    const images = (await docker(['images', '--format', '{{.Repository}}:{{.Tag}}', `homeport-deploy/${app}`])).split('\n').filter(Boolean)
    if (images.length) await docker(['rmi', '-f', ...images]).catch(() => '')
    fs.rmSync(`/home/${hs.user}/.local/share/homeport/deploy/${app}`, { recursive: true, force: true })
  }
  await removeTestContainers(proxy)
  fs.rmSync(`/home/${hs.user}/.local/share/homeport/proxy/${proxy}`, { recursive: true, force: true })
}
