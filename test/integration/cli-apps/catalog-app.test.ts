// A bundled catalog app installed by id through the registry mirror, its generated secret in `.env`
// (mode 600) and in the keychain; catalog listings; unknown ids and servers.

import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CatalogDto, PlanDto } from '../../../shared/contract/index.js'
import type { ServerDto } from '../../../shared/contract/index.js'
import { loadKeytar } from '../../../electron/core/secrets/keychain-store.js'
import { KEYCHAIN_SERVICE } from '../../../electron/core/secrets/accounts.js'
import { docker, useHomeServer } from '../../homeserver/helpers.js'
import type { CliSandbox } from '../cli/run-cli.js'
import { appFolder, appsSandbox, buildWebImage, inspect, projectLeftovers, pushAs, SERVER } from './cli-apps-helpers.js'

const hs = useHomeServer()
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const CATALOG_ID = 'linkding'
const APP = 'hp-cli-linkding'

describe('homeport apps with the bundled catalog', () => {
  let cli: CliSandbox

  beforeAll(async () => {
    await docker(['rm', '-f', `${APP}-linkding-1`]).catch(() => '')
    cli = await appsSandbox(hs)
  })

  afterAll(async () => {
    await cli?.run(['apps', 'remove', SERVER, APP, '--volumes', '--yes'])
    cli?.dispose()
  })

  it('lists the bundled catalog as a table and as JSON', async () => {
    const human = await cli.run(['apps', 'catalog'])
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toMatch(/^ID\s+NAME\s+CATEGORY\s+TAGLINE$/m)
    expect(human.stdout).toMatch(/^linkding\s+linkding\s+Productivity\s+Self-hosted bookmark manager$/m)
    const catalog = await cli.json<CatalogDto>(['apps', 'catalog'])
    expect(catalog.apps.length).toBeGreaterThanOrEqual(20)
    expect(catalog.apps.find((a) => a.id === CATALOG_ID)?.variables.find((v) => v.name === 'SUPERUSER_PASSWORD')?.secret).toBe(true)
  })

  it('reads another catalog folder and lists what it skipped on stderr only', async () => {
    const result = await cli.run(['apps', 'catalog', '--catalog', path.join(repoRoot, 'test/fixtures/appstore-samples/casaos'), '--json'])
    expect(result.code, result.stderr).toBe(0)
    const catalog = JSON.parse(result.stdout) as CatalogDto
    expect(catalog.apps.length).toBeGreaterThan(0)
    expect(catalog.apps.every((a) => a.source === 'casaos')).toBe(true)
    for (const s of catalog.skipped) expect(result.stderr).toContain(`skipped ${s.ref}: ${s.reason}`)
  })

  it('installs a catalog app by id through the mirror, with its generated secret in .env (600) and the keychain', async () => {
    const compose = fs.readFileSync(path.join(repoRoot, 'resources/catalog', CATALOG_ID, 'compose.yml'), 'utf8')
    const image = /image:\s*docker\.io\/(\S+)/.exec(compose)?.[1]
    expect(image).toBeDefined()
    // The stand-in serves a page; what matters is that the catalog's reference resolves through the mirror.
    const standIn = `${hs.registry}/homeport/cli-standin:1`
    await buildWebImage(hs, standIn)
    const mirrored = await pushAs(hs, standIn, image!)
    await docker(['rmi', mirrored, standIn])

    const plan = await cli.json<PlanDto>(['apps', 'plan', SERVER, CATALOG_ID, '--name', APP, '--env', 'WEB_PORT=18093'])
    expect(plan.images).toEqual([{ service: 'linkding', image: mirrored, pull: true }])

    const installed = await cli.run(['apps', 'install', SERVER, CATALOG_ID, '--name', APP, '--env', 'WEB_PORT=18093'])
    expect(installed.code, installed.stderr).toBe(0)
    expect(installed.stdout).toContain(`Installed ${APP}`)
    expect(installed.stderr).toContain(`Pulled ${mirrored}`)
    expect(await inspect('{{.State.Status}} {{.Config.Image}}', `${APP}-linkding-1`)).toBe(`running ${mirrored}`)

    const envPath = `${appFolder(hs, APP)}/.env`
    expect(fs.statSync(envPath).mode & 0o777).toBe(0o600)
    const password = /^SUPERUSER_PASSWORD=(.+)$/m.exec(fs.readFileSync(envPath, 'utf8'))?.[1]?.replace(/^["']|["']$/g, '')
    expect(password?.length).toBeGreaterThanOrEqual(16)
    expect(await inspect('{{range .Config.Env}}{{println .}}{{end}}', `${APP}-linkding-1`)).toContain(`LD_SUPERUSER_PASSWORD=${password}`)

    const server = (await cli.json<ServerDto[]>(['server', 'list'])).find((s) => s.name === SERVER)!
    const stored = await loadKeytar().getPassword(KEYCHAIN_SERVICE, `app:${server.id}:${APP}:SUPERUSER_PASSWORD`)
    expect(stored).toBe(password)
  })

  it('fails with NOT_FOUND for an unknown app id, creating nothing', async () => {
    const result = await cli.run(['apps', 'install', SERVER, 'no-such-app', '--name', 'hp-cli-nosuch'])
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(/^error NOT_FOUND: .*no-such-app/m)
    expect(result.stderr).toMatch(/^hint: /m)
    expect(await projectLeftovers('hp-cli-nosuch')).toEqual({ containers: [], networks: [], volumes: [] })
  })

  it('fails with NOT_FOUND for an unknown server, and with a usage error for a missing app', async () => {
    const unknown = await cli.run(['apps', 'list', 'no-such-server', '--json'])
    expect(unknown.code).toBe(1)
    expect(unknown.stdout).toBe('')
    expect(unknown.stderr).toMatch(/^error NOT_FOUND: .*no-such-server/m)
    const usage = await cli.run(['apps', 'install', SERVER])
    expect(usage.code).toBe(2)
    expect(usage.stderr).toMatch(/^error INVALID_INPUT: /m)
    const both = await cli.run(['apps', 'plan', SERVER, CATALOG_ID, '--file', 'compose.yml'])
    expect(both.code).toBe(2)
  })
})
