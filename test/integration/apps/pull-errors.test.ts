// A pull that fails says why, with what to do, against the test server's real engine: an image its registry
// does not have (through the registry mirror), a registry nothing listens on, a registry that wants a login
// (a second docker-registry with htpasswd; once the image is pulled on the server with a login, as the hint
// says, the install goes through), and one that answers with Docker Hub's rate-limit error. Each failed
// install has its own code, the raw Docker text only in the details, and nothing left on the server.

import { closeSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JobDto } from '../../../shared/contract/index.js'
import { docker, useHomeServer } from '../../homeserver/helpers.js'
import { freePort, spawnDaemon, stopPid, waitUntil } from '../../homeserver/process.js'
import { cliSandbox, type CliSandbox } from '../cli/run-cli.js'
import { homeServerInput, openTestCore, type TestCore } from '../core/test-core.js'

const hs = useHomeServer()
const APP = `hp-pullerr-${process.pid}`
/** bcrypt of "homeport-pull-test": the login the private registry wants (Homeport never gives one). */
const HTPASSWD = 'hptest:$2b$04$tsnk.uoxRDH7WFPIEuFaPOBsy.zVMU4Pqv8cxYoJDqVfXDrl/BJBW\n'
const RATE_LIMIT_TEXT = 'You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit'

let t: TestCore
let cli: CliSandbox
let privateRegistry: { pid: number; address: string; dir: string }
let limited: { server: Server; address: string }

const composeWith = (image: string) => `services:\n  web:\n    image: ${image}\n    command: ["sleep", "3600"]\n`
const leftovers = async () => (await docker(['ps', '-a', '-q', '--filter', `label=com.docker.compose.project=${APP}`])).trim()

async function failedInstall(image: string): Promise<JobDto> {
  const { jobId } = await t.call('apps.install', { serverId: 'home', source: { compose: composeWith(image) }, name: APP, values: {} })
  const job = await t.finishedJob(jobId)
  expect(job.state).toBe('failed')
  expect(await leftovers()).toBe('')
  return job
}

/** Docker's text is in the details, and only there: not in the message, not in the job's log. */
function toldOnce(job: JobDto, raw: RegExp): void {
  expect(job.error?.details).toMatch(raw)
  expect(job.error?.message).not.toMatch(raw)
  expect(job.log.join('\n')).not.toMatch(raw)
}

async function startPrivateRegistry(): Promise<typeof privateRegistry> {
  const dir = `/tmp/hp-pullerr-registry-${process.pid}`
  mkdirSync(path.join(dir, 'storage'), { recursive: true })
  writeFileSync(path.join(dir, 'htpasswd'), HTPASSWD)
  const address = `127.0.0.1:${await freePort()}`
  const config = path.join(dir, 'config.yml')
  writeFileSync(
    config,
    ['version: 0.1', 'log:', '  level: error', 'storage:', '  filesystem:', `    rootdirectory: ${dir}/storage`, 'http:', `  addr: ${address}`, '  secret: hp-pullerr',
      'auth:', '  htpasswd:', '    realm: homeport-test', `    path: ${dir}/htpasswd`, ''].join('\n'),
  )
  const logFd = openSync(path.join(dir, 'registry.log'), 'a')
  const pid = spawnDaemon('docker-registry', ['serve', config], { logFd })
  closeSync(logFd)
  const up = await waitUntil(async () => (await fetch(`http://${address}/v2/`).catch(() => undefined))?.status === 401, 20_000)
  if (!up) throw new Error(`the private registry did not answer on ${address}`)
  return { pid, address, dir }
}

/** A registry that lets Docker in and then answers every manifest with Docker Hub's 429 and its error body. */
async function startRateLimitedRegistry(): Promise<typeof limited> {
  const server = createServer((req, res) => {
    if (req.url === '/v2/') return void res.writeHead(200, { 'Docker-Distribution-Api-Version': 'registry/2.0' }).end('{}')
    const body = JSON.stringify({ errors: [{ code: 'TOOMANYREQUESTS', message: RATE_LIMIT_TEXT }] })
    res.writeHead(429, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }).end(req.method === 'HEAD' ? undefined : body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  return { server, address: `127.0.0.1:${port}` }
}

describe('pull failures', () => {
  beforeAll(async () => {
    t = await openTestCore()
    await t.call('servers.add', homeServerInput(hs))
    await t.call('apps.setMirror', { serverId: 'home', mirror: hs.registry })
    privateRegistry = await startPrivateRegistry()
    limited = await startRateLimitedRegistry()
  })

  afterAll(async () => {
    await docker(['rm', '-f', `${APP}-web-1`]).catch(() => '')
    if (privateRegistry) await docker(['rmi', `${privateRegistry.address}/homeport/private:1`]).catch(() => '')
    await docker(['network', 'rm', `${APP}_default`]).catch(() => '')
    await t?.close()
    if (privateRegistry) {
      await stopPid(privateRegistry.pid)
      rmSync(privateRegistry.dir, { recursive: true, force: true })
    }
    limited?.server.close()
    cli?.dispose()
  })

  it('names the missing image, the mirror it was asked of and the reference in the compose file', { timeout: 60_000 }, async () => {
    const job = await failedInstall(`docker.io/homeport/missing-${process.pid}:1`)
    expect(job.error).toMatchObject({
      code: 'IMAGE_NOT_FOUND',
      message: expect.stringContaining(`The image ${hs.registry}/homeport/missing-${process.pid}:1 was not found on the registry mirror ${hs.registry} (for docker.io/homeport/missing-${process.pid}:1).`),
      hint: expect.stringContaining('clear the mirror on the server page'),
      cliHint: expect.stringContaining('homeport apps mirror SERVER --clear'),
    })
    toldOnce(job, /manifest unknown/)
  })

  it('says the registry could not be reached and suggests a mirror', { timeout: 60_000 }, async () => {
    const port = await freePort()
    const job = await failedInstall(`127.0.0.1:${port}/homeport/busybox:1`)
    expect(job.error).toMatchObject({
      code: 'REGISTRY_UNREACHABLE',
      message: expect.stringContaining(`the server could not reach the registry 127.0.0.1:${port}; it refused the connection.`),
      hint: expect.stringContaining('registry mirror on the server page'),
    })
    toldOnce(job, /connection refused/)
  })

  it('says the registry wants a login, with the commands that get the image onto the server', { timeout: 60_000 }, async () => {
    const image = `${privateRegistry.address}/homeport/private:1`
    const job = await failedInstall(image)
    expect(job.error).toMatchObject({
      code: 'REGISTRY_AUTH',
      message: expect.stringContaining(`The registry ${privateRegistry.address} wants a login to pull ${image}.`),
      hint: expect.stringContaining(`\`docker login ${privateRegistry.address}\` and \`docker pull ${image}\``),
    })
    toldOnce(job, /no basic auth credentials/)
  })

  it('installs once the image was pulled on the server with a login, as the hint says', { timeout: 90_000 }, async () => {
    const image = `${privateRegistry.address}/homeport/private:1`
    // The docker CLI's login lives in its own config folder, so nothing of this machine's docker login changes.
    const config = ['--config', path.join(privateRegistry.dir, 'docker-config')]
    await docker([...config, 'login', privateRegistry.address, '--username', 'hptest', '--password-stdin'], 'homeport-pull-test')
    await docker(['tag', `${hs.registry}/homeport/busybox:1`, image])
    await docker([...config, 'push', '--quiet', image])
    await docker(['rmi', image])
    await docker([...config, 'pull', '--quiet', image])
    const { jobId } = await t.call('apps.install', { serverId: 'home', source: { compose: composeWith(image) }, name: APP, values: {} })
    const job = await t.finishedJob(jobId)
    expect(job.state, JSON.stringify(job.error)).toBe('succeeded')
    expect((await docker(['inspect', '-f', '{{.State.Running}} {{.Config.Image}}', `${APP}-web-1`])).trim()).toBe(`true ${image}`)
    await t.call('apps.remove', { serverId: 'home', app: APP, volumes: true, confirm: APP })
    await docker(['rmi', image])
  })

  it('says the registry limits pulls', { timeout: 60_000 }, async () => {
    const job = await failedInstall(`${limited.address}/homeport/busy:1`)
    expect(job.error).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringContaining(`The registry ${limited.address} refused to pull`) })
    toldOnce(job, /toomanyrequests/)
  })

  it('prints the CLI wording of the hint in the CLI', { timeout: 90_000 }, async () => {
    cli = cliSandbox()
    const added = await cli.run(['server', 'add', 'home', '--host', hs.host, '--port', String(hs.sshPort), '--user', hs.user, '--identity', hs.keys.ed25519, '--host-key', hs.hostKeyFingerprint])
    expect(added.code, added.stderr).toBe(0)
    const file = path.join(cli.home, 'compose.yml')
    writeFileSync(file, composeWith(`127.0.0.1:${await freePort()}/homeport/busybox:1`))
    const install = await cli.run(['apps', 'install', 'home', '--file', file, '--name', APP])
    expect(install.code).toBe(1)
    expect(install.stderr).toContain('error REGISTRY_UNREACHABLE: ')
    expect(install.stderr).toContain('hint: Check the server\'s DNS and network (can it reach the registry named in the message?), or set a registry mirror it can reach with `homeport apps mirror SERVER HOST`.')
    expect(await leftovers()).toBe('')
  })
})
