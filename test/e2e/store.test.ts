// The App Store end to end, in headless Chromium through the web host, against the real core and the test
// home server: a catalog added from a folder (a mistyped path first), a card opened into its detail page,
// an app installed from its card without typing anything (the catalog's defaults fill the form), and a pull
// failure told once, with its code and what to do. The test catalog's images are Docker Hub names that the
// registry mirror set here rewrites to the test registry, so nothing needs the internet.

import { rmSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { docker, useHomeServer } from '../homeserver/helpers.js'
import { confirmInstall, continueToHostKey, fillServer, openAddDialog } from './add-server-steps.js'
import { startE2e, type E2eSession } from './harness.js'

const home = useHomeServer()
const SERVER = `e2e-store-${process.pid}`
const CATALOG = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/store-catalog')
/** The fixture app's id, so also the app name the form starts with, and its catalog defaults. */
const WEB = 'hp-store-web'
const WEB_PORT = '18787'
const MISSING = 'hp-store-missing'
const serverHome = `/home/${home.user}`

let session: E2eSession
let page: Page

async function removeLeftovers(): Promise<void> {
  for (const app of [WEB, MISSING]) {
    const ids = (await docker(['ps', '-aq', '--filter', `label=com.docker.compose.project=${app}`]).catch(() => '')).split('\n').filter(Boolean)
    if (ids.length) await docker(['rm', '-f', ...ids]).catch(() => '')
    await docker(['network', 'rm', `${app}_default`]).catch(() => '')
    rmSync(`${serverHome}/.local/share/homeport/apps/${app}`, { recursive: true, force: true })
  }
  await docker(['volume', 'rm', '-f', `${WEB}_logs`]).catch(() => '')
  rmSync(`${serverHome}/hp-store-e2e-site`, { recursive: true, force: true })
}

const text = async (testId: string) => ((await page.getByTestId(testId).first().textContent()) ?? '').trim()
const fieldValue = (testId: string) => page.getByTestId(testId).inputValue()

describe('the App Store in the window', () => {
  beforeAll(async () => {
    await removeLeftovers()
    session = await startE2e()
    page = session.page
  })

  afterAll(async () => {
    await session?.close()
    await removeLeftovers()
  })

  it('adds the test server and pulls Docker Hub names through the test registry', async () => {
    await openAddDialog(page)
    await fillServer(page, home, { name: SERVER, auth: 'key', identityFile: home.keys.ed25519 })
    await continueToHostKey(page)
    await page.getByTestId('hostkey-accept').click()
    await expect.poll(() => page.getByTestId(`server-state-${SERVER}`).getAttribute('data-state'), { timeout: 20_000 }).toBe('ready')
    await page.getByTestId(`server-item-${SERVER}`).click()
    await page.getByTestId('mirror-input').fill(home.registry)
    await page.getByTestId('mirror-save').click()
    await expect.poll(() => page.getByTestId('mirror-saved').textContent()).toContain(home.registry)
  })

  it('offers Add a catalog above the cards; a mistyped path says it does not exist, the right one adds its apps', async () => {
    await page.getByTestId('server-store').click()
    await page.getByTestId('store-grid').waitFor({ timeout: 20_000 })
    const button = await page.getByTestId('store-add-catalog').boundingBox()
    expect(button).not.toBeNull()
    expect(button!.y + button!.height).toBeLessThan(page.viewportSize()!.height)
    expect(await text('store-card-catalog')).toMatch(/^Homeport catalog · \S+$/)

    await page.getByTestId('store-add-catalog').click()
    await page.getByTestId('catalog-dialog').waitFor()
    await page.getByTestId('catalog-ref').fill(`${CATALOG}-typo`)
    await page.getByTestId('catalog-add').click()
    const error = page.getByTestId('catalog-error')
    await error.waitFor({ timeout: 20_000 })
    expect(await error.getAttribute('data-code')).toBe('NOT_FOUND')
    expect(await error.getByTestId('error-message').textContent()).toBe(`The catalog ${CATALOG}-typo does not exist on this computer.`)
    expect(await error.getByTestId('error-hint').textContent()).not.toMatch(/--|homeport /)
    await session.screenshot('store-01-catalog-typo')

    await page.getByTestId('catalog-ref').fill(CATALOG)
    await page.getByTestId('catalog-add').click()
    await expect.poll(() => page.getByTestId('catalog-result').textContent().catch(() => ''), { timeout: 20_000 }).toContain(`3 apps added from ${CATALOG}`)
    await page.getByTestId('catalog-close').click()
    await page.getByTestId(`store-card-${WEB}`).waitFor()
    expect(await page.getByTestId(`store-card-${WEB}`).getByTestId('store-card-catalog').textContent()).toBe('Homeport catalog store-catalog · 1.4.2')
  })

  it('opens a card into the app detail page: description, version, website, catalog, ports, folders, volumes, settings', async () => {
    await page.getByTestId(`store-card-${WEB}`).locator('.name').click()
    await page.getByTestId('store-app-page').waitFor()
    expect(await text('store-app-description')).toContain('A busybox httpd that serves a folder of the server.')
    expect(await text('store-app-version')).toBe('1.4.2')
    expect(await text('store-app-website')).toBe('https://homeport.invalid/store-test-web')
    expect(await text('store-app-catalog')).toBe('Homeport catalog store-catalog')
    const port = await text('store-app-port')
    expect(port).toContain(`127.0.0.1:${WEB_PORT}`)
    expect(port).toContain('only through Homeport')
    expect(await text('store-app-folder')).toContain('~/hp-store-e2e-site')
    expect(await text('store-app-folder')).toContain('read-only')
    expect(await text('store-app-volume')).toContain(`${WEB}_logs`)
    expect(await text('store-app-setting-GREETING')).toContain('hello from the store')
    expect(await text('store-app-setting-ADMIN_PASSWORD')).toContain('random password')
    expect(await page.getByTestId('store-app-host-access').count()).toBe(0)
    await session.screenshot('store-02-detail')

    // The Install button of the page opens the same form, filled in.
    await page.getByTestId('store-app-install').click()
    await page.getByTestId('install-dialog').waitFor()
    await expect.poll(() => fieldValue('install-name')).toBe(WEB)
    await page.getByTestId('install-cancel').click()
    await page.getByTestId('store-app-back').click()
  })

  it('names the host access an app would get before it is installed (Portainer, a Docker socket tool)', async () => {
    await page.getByTestId('store-card-hp-store-docker').locator('.name').click()
    await page.getByTestId('store-app-host-access').waitFor()
    expect(await text('host-access-risk')).toMatch(/tool — \/var\/run\/docker\.sock: The Docker socket/)
    await page.getByTestId('store-app-back').click()

    // The keyboard way: a focused card opens with Enter.
    await page.getByTestId('store-search').fill('portainer')
    await page.getByTestId('store-card-portainer').focus()
    await page.keyboard.press('Enter')
    await page.getByTestId('store-app-host-access').waitFor()
    expect(await text('host-access-risk')).toContain('/var/run/docker.sock')
    expect(await text('store-app-catalog')).toBe('Homeport catalog')
    // A catalog entry without a version shows the tag of the image it runs.
    expect(await text('store-app-version')).toBe('2.21.5')
    expect(await text('store-app-volume')).toContain('portainer_data')
    await session.screenshot('store-03-host-access')
    await page.getByTestId('store-app-back').click()
    await page.getByTestId('store-search').fill('')
  })

  it('installs an app from its card with no typing: the form holds the catalog defaults', { timeout: 120_000 }, async () => {
    await page.getByTestId(`store-install-${WEB}`).click()
    await page.getByTestId('install-dialog').waitFor()
    await expect.poll(() => fieldValue('install-name')).toBe(WEB)
    expect(await fieldValue('var-WEB_PORT')).toBe(WEB_PORT)
    expect(await fieldValue('var-BIND_ADDRESS')).toBe('127.0.0.1')
    expect(await fieldValue('var-SITE_DIR')).toBe('~/hp-store-e2e-site')
    expect(await fieldValue('var-GREETING')).toBe('hello from the store')
    expect(await fieldValue('var-ADMIN_PASSWORD')).toBe('')
    await session.screenshot('store-04-install-form')
    await page.getByTestId('install-review').click()
    await page.getByTestId('plan-preview').waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('plan-image').first().textContent()).toContain(`${home.registry}/homeport/httpd:1`)
    await confirmInstall(page)
    await session.screenshot('store-05-installed')

    const inspect = JSON.parse(await docker(['inspect', `${WEB}-web-1`]))[0] as {
      State: { Running: boolean }
      Config: { Env: string[] }
      HostConfig: { PortBindings: Record<string, { HostIp: string; HostPort: string }[]> }
      Mounts: { Type: string; Source: string; Destination: string; Name?: string }[]
    }
    expect(inspect.State.Running).toBe(true)
    expect(inspect.HostConfig.PortBindings['80/tcp']).toEqual([{ HostIp: '127.0.0.1', HostPort: WEB_PORT }])
    expect(inspect.Config.Env).toContain('GREETING=hello from the store')
    expect(inspect.Config.Env.find((e) => e.startsWith('ADMIN_PASSWORD='))?.length).toBeGreaterThan('ADMIN_PASSWORD='.length + 12)
    expect(inspect.Mounts.find((m) => m.Destination === '/www/site')?.Source).toBe(`${serverHome}/hp-store-e2e-site`)
    expect(inspect.Mounts.find((m) => m.Destination === '/var/log/web')?.Name).toBe(`${WEB}_logs`)
    expect(await docker(['logs', `${WEB}-web-1`])).toContain('hello from the store')
    await page.getByTestId('install-close').click()
  })

  it('tells a failed pull once: what is missing, where, and what to do', { timeout: 120_000 }, async () => {
    await page.getByTestId(`store-install-${MISSING}`).click()
    await page.getByTestId('install-dialog').waitFor()
    await page.getByTestId('install-review').click()
    await page.getByTestId('plan-preview').waitFor({ timeout: 30_000 })
    await page.getByTestId('install-confirm').click()
    const progress = page.getByTestId('job-progress')
    await expect.poll(() => progress.getAttribute('data-state'), { timeout: 90_000 }).toBe('failed')
    const error = page.getByTestId('job-error')
    expect(await error.getAttribute('data-code')).toBe('IMAGE_NOT_FOUND')
    expect(await error.getByTestId('error-message').textContent()).toContain(
      `The image ${home.registry}/homeport/not-in-any-registry:1 was not found on the registry mirror ${home.registry} (for docker.io/homeport/not-in-any-registry:1).`,
    )
    expect(await error.getByTestId('error-hint').textContent()).toBe(
      'Check the image name and tag in the compose file; with a registry mirror, check that the mirror serves that image, or clear the mirror on the server page.',
    )
    // Docker's own words are in the details, and nowhere else in the dialog.
    const dialog = (await page.getByTestId('install-dialog').textContent()) ?? ''
    expect(dialog.split('manifest for ').length - 1).toBe(1)
    // And the message is told once: in the error, not again in the log.
    expect(dialog.split('was not found on the registry mirror').length - 1).toBe(1)
    await session.screenshot('store-06-pull-failed')
    expect((await docker(['ps', '-aq', '--filter', `label=com.docker.compose.project=${MISSING}`])).trim()).toBe('')
    await page.getByTestId('install-close').click()
  })
})
