// Deploying a folder from the window: the built renderer in headless Chromium through the web host, against
// the real core, the test home server's engine and the real Caddy proxy (the test registry's image). A folder
// without homeport.yml gets its questions asked (a wrong answer named first), is built and served; a changed
// deploy, built on this computer's Docker (a second engine on this machine) as chosen on the page, adds a
// version to the list; a version failing its health check shows its log while the old one keeps
// serving; and a rollback from the version list, behind its confirmation, switches back. What the app's port
// answers is read on the server each time.

import fs from 'node:fs'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { docker, useHomeServer } from '../homeserver/helpers.js'
import { startLaptopEngine, type LaptopEngine } from '../homeserver/laptop-engine.js'
import { caddyTestImage } from '../integration/deploy/caddy-image.js'
import { get, removeDeployLeftovers, testProject, type Project } from '../integration/deploy/deploy-fixture.js'
import { addServerByKey } from './add-server-steps.js'
import { coreCall, startE2e, type E2eSession } from './harness.js'

const home = useHomeServer()
const SERVER = `e2e-deploy-${process.pid}`
const APP = `e2e-deploy-${process.pid}`
const PORT = 18771
const PROXY = `homeport-proxy-e2e-deploy-${process.pid}`
let session: E2eSession
let page: Page
let project: Project
let serverId: string
let laptop: LaptopEngine
const dockerHostBefore = process.env.DOCKER_HOST

const answer = async () => (await get(PORT).catch((err: Error) => ({ status: 0, body: err.message }))).body
const jobState = () => page.getByTestId('deploy-folder').getByTestId('job-progress').getAttribute('data-state')
const versionRows = () => page.getByTestId(`deploy-versions-${APP}`).locator('tbody tr')
const history = () => coreCall(session, 'deploy.history', { serverId, app: APP })

describe('deploying a folder in the window', { timeout: 600_000 }, () => {
  beforeAll(async () => {
    const image = await caddyTestImage(home)
    laptop = await startLaptopEngine('e2e-deploy')
    process.env.DOCKER_HOST = laptop.dockerHost
    session = await startE2e()
    page = session.page
    await coreCall(session, 'settings.set', { key: 'deploy.proxyImage', value: image })
    await coreCall(session, 'settings.set', { key: 'deploy.proxyName', value: PROXY })
    project = testProject(home, '')
    fs.rmSync(path.join(project.dir, 'homeport.yml'))
  }, 300_000)

  afterAll(async () => {
    await session?.close()
    if (dockerHostBefore === undefined) delete process.env.DOCKER_HOST
    else process.env.DOCKER_HOST = dockerHostBefore
    await laptop?.stop()
    project?.dispose()
    await removeDeployLeftovers(home, [APP], PROXY)
  }, 120_000)

  it('asks for homeport.yml in the window, writes it, deploys and lists the version serving', async () => {
    await addServerByKey(page, home, SERVER)
    await page.getByTestId(`server-item-${SERVER}`).click()
    await page.getByTestId('server-deploy').click()
    await page.getByTestId('deploy-page').waitFor()
    serverId = decodeURIComponent(new URL(page.url()).hash.replace(/^#\/servers\//, '').split('/')[0])
    await page.locator('[data-testid="deploy-apps"][data-loaded="true"]').waitFor({ timeout: 60_000 })
    await page.getByTestId('deploy-apps-empty').waitFor()

    await page.getByTestId('deploy-dir').fill(path.join(project.dir, 'missing'))
    await page.getByTestId('deploy-dir').press('Enter')
    await page.getByTestId('deploy-error').waitFor({ timeout: 30_000 })

    await page.getByTestId('deploy-dir').fill(project.dir)
    await page.getByTestId('deploy-dir').press('Enter')
    await page.getByTestId('deploy-project').waitFor({ timeout: 30_000 })
    await page.getByTestId('deploy-app').fill('Bad Name')
    await page.getByTestId('deploy-port').fill(String(PORT))
    await page.getByTestId('deploy-health-path').fill('/health')
    await page.getByTestId('deploy-health-timeout').fill('10')
    await page.getByTestId('deploy-run').click()
    expect(await page.getByTestId('deploy-app-error').textContent()).toContain('lower-case')
    expect(fs.existsSync(path.join(project.dir, 'homeport.yml'))).toBe(false)

    await page.getByTestId('deploy-app').fill(APP)
    expect(await page.getByTestId('deploy-build-server').locator('input').isChecked()).toBe(true)
    await page.getByTestId('deploy-run').click()
    await expect.poll(jobState, { timeout: 300_000 }).toBe('succeeded')
    const yml = fs.readFileSync(path.join(project.dir, 'homeport.yml'), 'utf8')
    expect(yml).toContain(`app: ${APP}`)
    expect(yml).toContain(`server: ${SERVER}`)
    expect(await answer()).toBe('v1')
    await expect.poll(() => versionRows().count(), { timeout: 60_000 }).toBe(1)
    const first = (await history()).current
    expect(await page.getByTestId(`deploy-serving-${APP}`).textContent()).toBe(first)
    expect(await page.getByTestId(`deploy-version-${first}`).getAttribute('data-serving')).toBe('true')
    expect(await page.getByTestId('deploy-summary').textContent()).toContain(`port ${PORT}`)
  })

  it("deploys a change built on this computer's Docker: a second version in the list, serving", async () => {
    expect(await page.getByTestId('deploy-local-engine').textContent()).toContain('found on this computer')
    await page.getByTestId('deploy-build-local').click()
    project.write('v2')
    await page.getByTestId('deploy-run').click()
    await expect.poll(answer, { timeout: 300_000 }).toBe('v2')
    await expect.poll(jobState, { timeout: 60_000 }).toBe('succeeded')
    expect(await page.getByTestId('deploy-folder').textContent()).toContain('has 1 of the 2 layers: sending 1')
    const built = `homeport-deploy/${APP}:${(await history()).current}`
    expect(await docker(['image', 'inspect', '--format', '{{.Id}}', built])).toBe(await laptop.docker(['image', 'inspect', '--format', '{{.Id}}', built]))
    await expect.poll(() => versionRows().count(), { timeout: 60_000 }).toBe(2)
    const { current, versions } = await history()
    expect(await page.getByTestId(`deploy-serving-${APP}`).textContent()).toBe(current)
    expect(await page.getByTestId(`deploy-version-${versions[1].version}`).getAttribute('data-serving')).toBe('false')
    await session.screenshot('deploy-versions')
  })

  it('shows the log of a version failing its health check, while the serving one keeps serving', async () => {
    const before = (await history()).current
    project.write('v3-broken', { healthy: false })
    await page.getByTestId('deploy-run').click()
    const error = page.getByTestId('deploy-folder').getByTestId('job-error')
    await expect.poll(() => error.getAttribute('data-code').catch(() => null), { timeout: 300_000 }).toBe('HEALTH_CHECK_FAILED')
    await expect.poll(() => page.getByTestId('deploy-health-log').textContent(), { timeout: 30_000 }).toContain('/health')
    expect(await answer()).toBe('v2')
    expect((await history()).current).toBe(before)
    project.write('v2')
  })

  it('rolls back to the first version after the confirmation (Esc cancels, Enter confirms)', async () => {
    const { versions } = await history()
    const older = versions.find((v) => !v.serving)
    if (!older) throw new Error('no older version kept')
    await page.getByTestId(`deploy-rollback-${older.version}`).click()
    await page.getByTestId('deploy-rollback-dialog').waitFor()
    await page.keyboard.press('Escape')
    await expect.poll(() => page.getByTestId('deploy-rollback-dialog').count()).toBe(0)
    expect(await answer()).toBe('v2')

    await page.getByTestId(`deploy-rollback-${older.version}`).click()
    await page.getByTestId('deploy-rollback-dialog').waitFor()
    await expect.poll(() => page.locator(':focus').getAttribute('data-testid')).toBe('deploy-rollback-confirm')
    await page.keyboard.press('Enter')
    await expect.poll(answer, { timeout: 300_000 }).toBe('v1')
    await expect.poll(() => page.getByTestId(`deploy-version-${older.version}`).getAttribute('data-serving'), { timeout: 60_000 }).toBe('true')
    expect(await page.getByTestId(`deploy-serving-${APP}`).textContent()).toBe(older.version)
    expect((await history()).current).toBe(older.version)
    await expect.poll(() => page.getByTestId(`deploy-rollback-job-${APP}`).getByTestId('job-progress').getAttribute('data-state')).toBe('succeeded')
  })
})
