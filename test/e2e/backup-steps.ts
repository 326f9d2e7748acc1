// Steps both backups suites take in the window: the Backups page of a server, the Add repository dialog
// pointed at an SFTP host (the test home server's own sshd), and a job's bar or progress that must end well.

import type { Locator, Page } from 'playwright-core'
import { expect } from 'vitest'
import type { HomeServerInfo } from '../homeserver/types.js'

export async function openBackups(page: Page, server: string): Promise<void> {
  await page.getByTestId(`server-item-${server}`).click()
  await page.getByTestId('server-backups').click()
  await page.getByTestId('backups-page').waitFor()
}

/** Opens Add repository for an SFTP target named `name`; returns the server's backup key it shows, to authorise on the host. */
export async function openSftpRepository(page: Page, name: string): Promise<string> {
  await page.getByTestId('repo-add').click()
  await page.getByTestId('repo-dialog').waitFor()
  await page.getByTestId('repo-name').fill(name)
  await page.getByTestId('repo-kind-sftp').click()
  await expect.poll(() => page.getByTestId('repo-server-key').textContent(), { timeout: 60_000 }).toMatch(/^(ssh|ecdsa)-\S+ \S+/)
  return (await page.getByTestId('repo-server-key').textContent())!.trim()
}

/** Sends the SFTP repository as the home server's user at `folder`: the host key it presents is shown for comparison first. */
export async function submitSftpRepository(page: Page, home: HomeServerInfo, folder: string): Promise<void> {
  await page.getByTestId('repo-host').fill('127.0.0.1')
  await page.getByTestId('repo-port').fill(String(home.sshPort))
  await page.getByTestId('repo-user').fill(home.user)
  await page.getByTestId('repo-path').fill(folder)
  await page.getByTestId('repo-name').focus()
  await page.getByTestId('repo-submit').click()
  await expect.poll(() => page.getByTestId('repo-hostkey-fingerprint').textContent(), { timeout: 120_000 }).toBe(home.hostKeyFingerprint)
}

/** Waits for a job's bar or progress (anything with `data-state`) to end, and for it to have succeeded (its text says why not). */
export async function expectSucceeded(progress: Locator): Promise<void> {
  await progress.waitFor()
  await expect.poll(() => progress.getAttribute('data-state'), { timeout: 180_000 }).not.toBe('running')
  expect(await progress.getAttribute('data-state'), (await progress.textContent()) ?? '').toBe('succeeded')
}
