// homeport.yml read and checked, what gets built (Dockerfile or a compose service's build:), init's files,
// and the version names.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DEPLOY_VERSION_PATTERN } from '../../../shared/contract/deploy.js'
import { HomeportError } from '../../../shared/errors.js'
import { newVersion } from './deploy-names.js'
import { buildSource, initProject, readConfig, readProject } from './project-folder.js'

const dirs: string[] = []
function folder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homeport-deploy-unit-'))
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content)
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

async function failure(p: Promise<unknown>): Promise<HomeportError> {
  const err = await p.then(() => undefined, (e: unknown) => e)
  expect(err).toBeInstanceOf(HomeportError)
  return err as HomeportError
}

describe('homeport.yml', () => {
  it('reads a valid file with defaults for health and env', async () => {
    const config = await readConfig(folder({ 'homeport.yml': 'app: web\nserver: home\nport: 8080\n' }))
    expect(config).toEqual({ app: 'web', server: 'home', port: 8080, health: { timeout: 60 }, env: {} })
  })

  it('names every field in error', async () => {
    const err = await failure(readConfig(folder({ 'homeport.yml': 'app: Web App\nserver: home\nport: 70000\nhealth:\n  path: health\n' })))
    expect(err.code).toBe('INVALID_INPUT')
    expect(err.message).toContain('app:')
    expect(err.message).toContain('port:')
    expect(err.message).toContain('health.path: must be a path starting with "/"')
  })

  it('says where broken YAML is', async () => {
    const err = await failure(readConfig(folder({ 'homeport.yml': 'app: [web\n' })))
    expect(err.code).toBe('INVALID_INPUT')
    expect(err.message).toContain('is not valid YAML')
  })
})

describe('what is built', () => {
  const config = { app: 'web', server: 'home', port: 8080, health: { timeout: 60 }, env: {} }

  it('is the Dockerfile, or BUILD_CONTEXT_INVALID naming init when there is none', async () => {
    const dir = folder({ Dockerfile: 'FROM scratch\n' })
    expect(await buildSource(dir, config)).toEqual({ contextDir: dir })
    const err = await failure(buildSource(folder({}), config))
    expect(err.code).toBe('BUILD_CONTEXT_INVALID')
    expect(err.cliHint).toContain('homeport init --dockerfile')
  })

  it("is a compose service's build: with its dockerfile, args (map or list) and target", async () => {
    const dir = folder({ 'compose.yaml': 'services:\n  api:\n    build:\n      context: ./api\n      dockerfile: Dockerfile.prod\n      args: [MODE=prod, EMPTY]\n      target: run\n  db:\n    image: postgres\n' })
    expect(await buildSource(dir, { ...config, service: 'api' })).toEqual({ contextDir: path.join(dir, 'api'), dockerfile: 'Dockerfile.prod', args: { MODE: 'prod', EMPTY: '' }, target: 'run' })
    const err = await failure(buildSource(dir, { ...config, service: 'db' }))
    expect(err.message).toContain('"db"')
    expect(err.message).toContain('has no build: section')
  })
})

describe('init', () => {
  it('offers a Dockerfile by language and never overwrites without being told', async () => {
    const dir = folder({ 'go.mod': 'module x\n' })
    const config = { app: 'web', server: 'home', port: 9000, health: { timeout: 60 }, env: {} }
    expect(await readProject(dir)).toMatchObject({ stack: 'go', hasDockerfile: false })
    const written = await initProject(dir, config, { dockerfile: true, overwrite: false })
    expect(written.stack).toBe('go')
    expect(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toContain('EXPOSE 9000')
    expect(await readConfig(dir)).toEqual(config)
    expect((await failure(initProject(dir, config, { dockerfile: false, overwrite: false }))).code).toBe('ALREADY_EXISTS')
  })
})

describe('versions', () => {
  it('are the UTC time, then the commit', () => {
    const at = new Date('2026-11-30T06:15:02.123Z')
    expect(newVersion(at)).toBe('20261130-061502')
    expect(newVersion(at, 'a1b2c3d')).toBe('20261130-061502-a1b2c3d')
    expect(newVersion(at, 'a1b2c3d')).toMatch(DEPLOY_VERSION_PATTERN)
  })
})
