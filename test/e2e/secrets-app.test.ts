// A pasted compose file with a file secret in the install dialog: the folder of the compose file is asked
// for, the plan names the secret the service gets (never its content), and the install puts it read-only at
// /run/secrets/<name> in the container.

import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { docker, useHomeServer } from '../homeserver/helpers.js'
import { addServerByKey, confirmInstall } from './add-server-steps.js'
import { startE2e, type E2eSession } from './harness.js'

const home = useHomeServer()
const SERVER = `e2e-secrets-${process.pid}`
const APP = `e2e-secrets-${process.pid}`
const SECRET = `window-secret-${process.pid}-${Date.now()}`

let session: E2eSession
let page: Page
let folder: string

describe('installing a compose file with a secret, in the window', () => {
  beforeAll(async () => {
    await docker(['rm', '-f', `${APP}-app-1`]).catch(() => '')
    folder = mkdtempSync(join(tmpdir(), 'homeport-e2e-secrets-'))
    writeFileSync(join(folder, 'token.txt'), SECRET)
    session = await startE2e()
    page = session.page
  })
  afterAll(async () => {
    await docker(['rm', '-f', `${APP}-app-1`]).catch(() => '')
    await docker(['network', 'rm', `${APP}_default`]).catch(() => '')
    rmSync(folder, { recursive: true, force: true })
    rmSync(`/home/${home.user}/.local/share/homeport/apps/${APP}`, { recursive: true, force: true })
    await session?.close()
  })

  it('asks for the folder, plans the secret by name and mounts its file in the container', async () => {
    await addServerByKey(page, home, SERVER)
    await page.getByTestId(`server-item-${SERVER}`).click()
    await page.getByTestId('server-store').click()
    await page.getByTestId('store-compose').click()
    await page.getByTestId('install-dialog').waitFor()
    const compose = `services:\n  app:\n    image: ${home.registry}/homeport/busybox:1\n    command: ["sleep", "3600"]\n    stop_grace_period: 1s\n    secrets: [token]\nsecrets:\n  token:\n    file: ./token.txt\n`
    // The dialog settles its defaults as it opens: fill until the typed text stays.
    await expect
      .poll(async () => {
        await page.getByTestId('install-name').fill(APP)
        await page.getByTestId('install-compose').fill(compose)
        return [await page.getByTestId('install-name').inputValue(), await page.getByTestId('install-compose').inputValue()]
      }, { timeout: 15_000 })
      .toEqual([APP, compose])
    await page.getByTestId('install-review').click()
    await expect.poll(() => page.getByTestId('install-dialog').textContent()).toContain('Give the folder of the compose file on this computer')
    await page.getByTestId('install-build-dir').fill(folder)
    await page.getByTestId('install-review').click()

    await page.getByTestId('plan-preview').waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('plan-secret').textContent()).toMatch(/app gets\s*token\s*— read-only at \/run\/secrets\/token/)
    expect(await page.getByTestId('install-dialog').textContent()).not.toContain(SECRET)
    await session.screenshot('secrets-app-plan')

    const progress = await confirmInstall(page)
    expect(await progress.getByTestId('job-log').textContent()).not.toContain(SECRET)
    const inContainer = await docker(['exec', `${APP}-app-1`, 'cat', '/run/secrets/token'])
    expect(createHash('sha256').update(inContainer).digest('hex')).toBe(createHash('sha256').update(SECRET).digest('hex'))
  })
})
