// The Add-server dialog as both e2e suites drive it. Typing waits until the dialog has finished opening
// (it focuses its first field then), and each value is read back, so a field that missed a keystroke
// fails here rather than as a connection to the wrong port later.

import type { Locator, Page } from 'playwright-core'
import { expect } from 'vitest'
import type { HomeServerInfo } from '../homeserver/types.js'

export async function openAddDialog(page: Page): Promise<void> {
  await page.locator('body').press('Control+n')
  await page.getByTestId('add-server-dialog').waitFor()
  // The first field (the ~/.ssh/config picker) takes focus once the dialog has finished opening.
  await expect.poll(() => page.evaluate(`document.activeElement?.closest('[data-testid="add-sshconfig"]') !== null`)).toBe(true)
}

async function type(page: Page, testId: string, value: string): Promise<void> {
  const field = page.getByTestId(testId)
  await field.fill(value)
  await expect.poll(() => field.inputValue()).toBe(value)
}

export async function fillServer(
  page: Page,
  home: HomeServerInfo,
  fields: { name: string; auth: 'key' | 'password'; identityFile?: string; secret?: string; user?: string },
): Promise<void> {
  await type(page, 'add-name', fields.name)
  await type(page, 'add-host', home.host)
  await type(page, 'add-port', String(home.sshPort))
  // Another user of the same server (a set-up test's fresh user) when given; the home server's own otherwise.
  await type(page, 'add-user', fields.user ?? home.user)
  await page.getByTestId(`auth-${fields.auth}`).click()
  if (fields.identityFile !== undefined) await type(page, 'add-identity', fields.identityFile)
  if (fields.secret !== undefined) await type(page, 'add-secret', fields.secret)
  // The port box commits its number on blur: leave it before submitting.
  await page.getByTestId('add-name').focus()
  await expect.poll(() => page.getByTestId('add-port').inputValue()).toBe(String(home.sshPort))
}

/** Continue → the host-key dialog; an error shown in the form instead fails with its own words. */
export async function continueToHostKey(page: Page): Promise<void> {
  await page.getByTestId('add-submit').click()
  await page.locator('[data-testid="hostkey-dialog"], [data-testid="add-error"]').first().waitFor()
  if (await page.getByTestId('add-error').isVisible()) {
    throw new Error(`the Add-server dialog showed an error instead of the host key: ${await page.getByTestId('add-error').textContent()}`)
  }
}

/** Clicks Install in the review step and waits for the job to end; fails with the error the window shows unless it succeeded. */
export async function confirmInstall(page: Page): Promise<Locator> {
  await page.getByTestId('install-confirm').click()
  const progress = page.getByTestId('job-progress')
  await progress.waitFor()
  await expect.poll(() => progress.getAttribute('data-state'), { timeout: 90_000 }).not.toBe('running')
  if ((await progress.getAttribute('data-state')) !== 'succeeded') {
    throw new Error(`the install did not succeed: ${await page.getByTestId('job-error').textContent().catch(() => '(no error shown)')}`)
  }
  return progress
}

/** Adds the test home server by key, accepts its host key and waits until it is connected. */
export async function addServerByKey(page: Page, home: HomeServerInfo, name: string): Promise<void> {
  await openAddDialog(page)
  await fillServer(page, home, { name, auth: 'key', identityFile: home.keys.ed25519 })
  await continueToHostKey(page)
  await page.getByTestId('hostkey-accept').click()
  await expect.poll(() => page.getByTestId(`server-state-${name}`).getAttribute('data-state'), { timeout: 20_000 }).toBe('ready')
}

/** Opens the server's page and sets its registry mirror (Docker Hub names then pull from the test registry). */
export async function setRegistryMirror(page: Page, serverName: string, registry: string): Promise<void> {
  await page.getByTestId(`server-item-${serverName}`).click()
  await page.getByTestId('mirror-input').fill(registry)
  await page.getByTestId('mirror-save').click()
  await expect.poll(() => page.getByTestId('mirror-saved').textContent()).toContain(registry)
}
