// `homeport init` and `homeport deploy …` against the test home server: a folder set up with flags (and a
// minimal Dockerfile offered by language), a first deploy that writes homeport.yml from its flags, a changed
// deploy, history, rollback, and the errors a person meets — no homeport.yml without a terminal, an unknown
// version, a port another app or container holds — as codes with hints naming the flags; and a build on this
// computer's Docker (`--build-local`, a second engine on this machine standing for it).

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DeployHistoryDto, DeployJobResult } from '../../../shared/contract/index.js'
import { docker, removeTestContainers, useHomeServer } from '../../homeserver/helpers.js'
import { startLaptopEngine } from '../../homeserver/laptop-engine.js'
import { caddyTestImage } from '../deploy/caddy-image.js'
import { get, httpdImage, removeDeployLeftovers, testProject, type Project } from '../deploy/deploy-fixture.js'
import { addHomeServer, cliSandbox, type CliSandbox } from './run-cli.js'
import { runOnTerminal } from './tty-answers.js'

const hs = useHomeServer()
const APP = 'hpdeploy-cli'
const OTHER = 'hpdeploy-cli-other'
const ASKED = 'hpdeploy-cli-asked'
const ASKED_PORT = 18753
const PORT = 18751
const HELD_PORT = 18752
const PROXY = 'homeport-proxy-deploy-cli'
const HOLDER = 'hpdeploy-cli-port-holder'
/** The result printed after the job's one-line updates: the last JSON document on stdout. */
const lastJson = <T>(stdout: string): T => JSON.parse(stdout.slice(stdout.lastIndexOf('\n{\n') + 1)) as T

let cli: CliSandbox
let project: Project
const folders: string[] = []

function folder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homeport-deploy-cli-'))
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content)
  folders.push(dir)
  return dir
}

beforeAll(async () => {
  cli = cliSandbox()
  await addHomeServer(cli, hs, 'hs')
  const proxy = await cli.run(['deploy', 'proxy', '--image', await caddyTestImage(hs), '--name', PROXY])
  expect(proxy.code, proxy.stderr).toBe(0)
  expect(proxy.stdout).toContain(PROXY)
  project = testProject(hs, '')
  fs.rmSync(path.join(project.dir, 'homeport.yml'))
}, 300_000)

afterAll(async () => {
  cli?.dispose()
  project?.dispose()
  for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true })
  await removeTestContainers(HOLDER)
  await removeDeployLeftovers(hs, [APP, OTHER, ASKED], PROXY)
}, 120_000)

describe('homeport init', { timeout: 60_000 }, () => {
  it('writes homeport.yml and a minimal Dockerfile for Node, Go and Python projects', async () => {
    for (const [file, stack, base] of [['package.json', 'node', 'FROM node:'], ['go.mod', 'go', 'FROM golang:'], ['requirements.txt', 'python', 'FROM python:']] as const) {
      const dir = folder({ [file]: '' })
      const init = await cli.run(['init', dir, '--app', `web-${stack}`, '--server', 'hs', '--port', '8080', '--health-path', '/health', '--dockerfile', '--yes', '--json'])
      expect(init.code, init.stderr).toBe(0)
      expect(JSON.parse(init.stdout)).toMatchObject({ configPath: path.join(dir, 'homeport.yml'), dockerfilePath: path.join(dir, 'Dockerfile'), stack })
      expect(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toContain(base)
      expect(fs.readFileSync(path.join(dir, 'homeport.yml'), 'utf8')).toMatch(new RegExp(`app: web-${stack}\\nserver: hs\\nport: 8080\\nhealth:\\n  path: /health`))
    }
  })

  it('refuses to replace homeport.yml without --force, and a folder with nothing to write a Dockerfile for', async () => {
    const dir = folder({ 'homeport.yml': 'app: keep\nserver: hs\nport: 1\n' })
    const again = await cli.run(['init', dir, '--app', 'x', '--server', 'hs', '--port', '8080', '--yes'])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('error ALREADY_EXISTS')
    expect(again.stderr).toContain('--force')
    expect(fs.readFileSync(path.join(dir, 'homeport.yml'), 'utf8')).toContain('app: keep')
    const empty = await cli.run(['init', folder({}), '--app', 'x', '--server', 'hs', '--port', '8080', '--dockerfile', '--yes'])
    expect(empty.code).toBe(2)
    expect(empty.stderr).toContain('no package.json, go.mod, requirements.txt or pyproject.toml')
  })

  it('on a terminal, asks for what homeport.yml needs, writes it and offers a Dockerfile', async () => {
    const dir = folder({ 'package.json': '{}' })
    const asked = await runOnTerminal(['init', dir], [['App name [', 'web-asked'], ['Server [hs]', 'hs'], ['Port on the server [8080]', '9090'], ['Write a minimal one for node?', 'y']], cli.env)
    expect(asked.code, asked.screen).toBe(0)
    expect(fs.readFileSync(path.join(dir, 'homeport.yml'), 'utf8')).toMatch(/app: web-asked\nserver: hs\nport: 9090\n/)
    expect(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toContain('EXPOSE 9090')
  })

  it('refuses an unknown server and a bad port, naming them', async () => {
    const unknown = await cli.run(['init', folder({}), '--app', 'x', '--server', 'nope', '--port', '8080', '--yes'])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('error NOT_FOUND: There is no server named "nope"')
    const port = await cli.run(['init', folder({}), '--app', 'x', '--server', 'hs', '--port', '99999', '--yes'])
    expect(port.code).toBe(2)
    expect(port.stderr).toContain('--port 99999 is not a port')
  })
})

describe('homeport deploy', { timeout: 300_000 }, () => {
  it('without homeport.yml and without a terminal, names the flags to pass and writes nothing', async () => {
    const run = await cli.run(['deploy', project.dir, '--server', 'hs'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('error INVALID_INPUT')
    expect(run.stderr).toContain('has no homeport.yml')
    expect(run.stderr).toContain('--app NAME')
    expect(run.stderr).toContain('--port N')
    expect(fs.existsSync(path.join(project.dir, 'homeport.yml'))).toBe(false)
  })

  it('on a terminal, a first deploy without homeport.yml asks, writes it and deploys', async () => {
    const asked = testProject(hs, '')
    folders.push(asked.dir)
    fs.rmSync(path.join(asked.dir, 'homeport.yml'))
    const run = await runOnTerminal(['deploy', asked.dir], [['App name [', ASKED], ['Server [hs]', ''], ['Port on the server [8080]', String(ASKED_PORT)]], cli.env)
    expect(run.code, run.screen).toBe(0)
    expect(run.screen).toContain(`serves on port ${ASKED_PORT}`)
    expect(fs.readFileSync(path.join(asked.dir, 'homeport.yml'), 'utf8')).toContain(`app: ${ASKED}\nserver: hs\nport: ${ASKED_PORT}`)
    expect((await get(ASKED_PORT)).body).toBe('v1')
  })

  it('deploys with flags (writing homeport.yml), then a changed version; history marks the serving one', async () => {
    const first = await cli.run(['deploy', project.dir, '--app', APP, '--server', 'hs', '--port', String(PORT), '--health-path', '/health', '--json'])
    expect(first.code, first.stderr).toBe(0)
    const v1 = lastJson<DeployJobResult>(first.stdout)
    expect(v1).toMatchObject({ app: APP, port: PORT, kind: 'build' })
    expect(fs.readFileSync(path.join(project.dir, 'homeport.yml'), 'utf8')).toContain(`app: ${APP}`)
    expect((await get(PORT)).body).toBe('v1')
    // The new port meant a new proxy container: it took up the config of the app deployed before.
    expect(await docker(['port', PROXY])).toContain(`${PORT}/tcp`)
    expect((await get(ASKED_PORT)).body).toBe('v1')

    project.write('v2')
    const second = await cli.run(['deploy', project.dir])
    expect(second.code, second.stderr).toBe(0)
    expect(second.stdout).toContain(`serves on port ${PORT} (was ${v1.version}, kept for a rollback)`)
    expect((await get(PORT)).body).toBe('v2')

    const history = await cli.json<DeployHistoryDto>(['deploy', 'history', APP, '--server', 'hs'])
    expect(history.versions.map((v) => v.serving)).toEqual([true, false])
    expect(history.versions[1]!.version).toBe(v1.version)
    const text = await cli.run(['deploy', 'history', APP])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toMatch(new RegExp(`\\*\\s+${history.current}`))
  })

  it('rolls back to the version before, and refuses a version it does not keep', async () => {
    const history = await cli.json<DeployHistoryDto>(['deploy', 'history', APP])
    const back = await cli.run(['deploy', 'rollback', APP, '--json'])
    expect(back.code, back.stderr).toBe(0)
    expect(lastJson<DeployJobResult>(back.stdout)).toMatchObject({ kind: 'rollback', version: history.versions[1]!.version })
    expect((await get(PORT)).body).toBe('v1')
    const unknown = await cli.run(['deploy', 'rollback', APP, '20000101-000000'])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('error NOT_FOUND')
    expect(unknown.stderr).toContain('deploy history')
    const malformed = await cli.run(['deploy', 'rollback', APP, 'latest'])
    expect(malformed.code).toBe(2)
    expect(malformed.stderr).toContain('is not a version')
    const list = await cli.json<DeployHistoryDto[]>(['deploy', 'list', 'hs'])
    expect(list.find((a) => a.app === APP)).toMatchObject({ port: PORT, current: history.versions[1]!.version })
    expect((await get(PORT)).body).toBe('v1')
  })

  it('refuses a port another deployed app or another container holds, and leaves both serving', async () => {
    const other = folder({ Dockerfile: `FROM ${httpdImage(hs)}\nCMD ["httpd", "-f", "-p", "8080", "-h", "/www"]\n`, 'homeport.yml': `app: ${OTHER}\nserver: hs\nport: ${PORT}\n` })
    const clash = await cli.run(['deploy', other])
    expect(clash.code).toBe(1)
    expect(clash.stderr).toContain(`error PORT_IN_USE: Port ${PORT} on hs already serves the deployed app "${APP}"`)
    expect(clash.stderr).toContain('port:')
    expect((await get(PORT)).body).toBe('v1')

    await docker(['run', '-d', '--name', HOLDER, '-p', `127.0.0.1:${HELD_PORT}:80`, httpdImage(hs)])
    fs.writeFileSync(path.join(other, 'homeport.yml'), `app: ${OTHER}\nserver: hs\nport: ${HELD_PORT}\n`)
    const held = await cli.run(['deploy', other])
    expect(held.code).toBe(1)
    expect(held.stderr).toContain(`error PORT_IN_USE: Port ${HELD_PORT} on hs is already used by the container ${HOLDER}`)
    expect((await get(HELD_PORT)).body).toContain('homeport test app')
    expect((await get(PORT)).body).toBe('v1')
    expect(await docker(['ps', '-a', '--filter', `label=io.homeport.deploy.app=${OTHER}`, '--format', '{{.Names}}'])).toBe('')
  })

  it("with --build-local, builds with this computer's Docker and sends only the layer the server lacks; without that Docker, names the fix", async () => {
    const laptop = await startLaptopEngine('deploy-cli')
    try {
      project.write('v-local')
      const local = await cli.run(['deploy', project.dir, '--build-local'], { env: { DOCKER_HOST: laptop.dockerHost } })
      expect(local.code, local.stderr).toBe(0)
      expect(local.stdout).toMatch(/Built on this computer: sent 1 of 2 layers, [\d.]+ KiB of [\d.]+ MiB\./)
      expect((await get(PORT)).body).toBe('v-local')
      const version = new RegExp(`${APP} (\\S+) serves on port ${PORT}`).exec(local.stdout)?.[1]
      const id = (run: (args: string[]) => Promise<string>) => run(['image', 'inspect', '--format', '{{.Id}}', `homeport-deploy/${APP}:${version}`])
      expect(await docker(['image', 'inspect', '--format', '{{.Id}}', `homeport-deploy/${APP}:${version}`])).toBe(await id(laptop.docker))

      project.write('v-nowhere')
      const absent = await cli.run(['deploy', project.dir, '--build-local'], { env: { DOCKER_HOST: 'unix:///run/hptl-deploy-cli/absent.sock' } })
      expect(absent.code).toBe(1)
      expect(absent.stderr).toContain('error LOCAL_DOCKER_UNAVAILABLE: No Docker engine answers on this computer (unix:///run/hptl-deploy-cli/absent.sock)')
      expect(absent.stderr).toContain('--build-server')
      expect((await get(PORT)).body).toBe('v-local')
      const both = await cli.run(['deploy', project.dir, '--build-local', '--build-server'])
      expect(both.code).toBe(2)
      expect(both.stderr).toContain('not both')
    } finally {
      await laptop.stop()
    }
  })
})
