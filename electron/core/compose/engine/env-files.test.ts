// env_file contents are configuration: an edited env file changes the service's config hash, so the plan
// recreates that service (and only that one), and the container gets the values the plan saw.

import { describe, expect, it } from 'vitest'
import { configHash } from '../config-hash.js'
import { applyPlan, newJournal } from './apply.js'
import { readEnvFiles } from './env-files.js'
import { FakeEngine, shopProject } from './fake-engine.test-support.js'
import { planProject } from './plan.js'

const project = shopProject(`
services:
  web: { image: reg/web:1, env_file: [./app.env, { path: ./local.env, required: false }], environment: { MODE: prod } }
  db: { image: reg/db:1 }
`)
/** The server's files: app.env with the given text, local.env only when given. */
const files = (appEnv: string, localEnv?: string): ((path: string) => Promise<string | undefined>) => {
  const onServer: Record<string, string> = { '/srv/shop/app.env': appEnv, ...(localEnv === undefined ? {} : { '/srv/shop/local.env': localEnv }) }
  return async (path) => onServer[path]
}

describe('env files in the plan', () => {
  it('reads each service’s env files, later entries winning, an optional missing file counting as empty', async () => {
    expect(await readEnvFiles(project, files('GREETING=hello\nMODE=dev\n'))).toEqual({ web: { GREETING: 'hello', MODE: 'dev' }, db: {} })
    expect(await readEnvFiles(project, files('GREETING=hello\nMODE=dev\n', 'GREETING=hi\n'))).toEqual({ web: { GREETING: 'hi', MODE: 'dev' }, db: {} })
  })

  it('refuses a required env file that is missing on the server, naming the entry and the path', async () => {
    await expect(readEnvFiles(project, async () => undefined)).rejects.toMatchObject({
      code: 'COMPOSE_INVALID',
      message: 'services.web.env_file[0]: /srv/shop/app.env does not exist on the server',
    })
  })

  it('hashes the values, not just the paths; a value the service itself sets wins and does not count', () => {
    const web = project.services.web
    expect(configHash(web, { GREETING: 'hello' })).not.toBe(configHash(web, { GREETING: 'bonjour' }))
    expect(configHash(web, { GREETING: 'hello', MODE: 'dev' })).toBe(configHash(web, { GREETING: 'hello', MODE: 'test' }))
    expect(configHash(project.services.db, {})).toBe(configHash(project.services.db))
  })

  it('plans a recreate of the service whose env file was edited, and keeps the rest; the container gets the planned values', async () => {
    const engine = new FakeEngine()
    engine.registry.set('reg/web:1', { id: 'sha256:web' })
    engine.registry.set('reg/db:1', { id: 'sha256:db' })
    const first = await planProject(engine.docker, project, { readFile: files('GREETING=hello\n') })
    await applyPlan(engine.docker, project, first.plan, { ...first, journal: newJournal('run-1', first.plan) })
    const web = () => [...engine.containers.values()].find((c) => c.name === 'shop-web-1')!
    expect(web().env.sort()).toEqual(['GREETING=hello', 'MODE=prod'])

    const unchanged = await planProject(engine.docker, project, { readFile: files('GREETING=hello\n') })
    expect(unchanged.plan.upToDate).toBe(true)

    const edited = await planProject(engine.docker, project, { readFile: files('GREETING=bonjour\n') })
    expect(edited.envFromFiles.web).toEqual({ GREETING: 'bonjour' })
    expect(edited.plan.containers.map((c) => [c.service, c.action, c.reason])).toEqual([
      ['db', 'keep', 'up to date'],
      ['web', 'recreate', 'configuration changed'],
    ])
  })
})
