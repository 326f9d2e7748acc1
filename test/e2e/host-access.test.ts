// Consent before an app gets the server itself: a compose app asking for the host's network shows the risk in
// the install dialog's review step, Install stays off until the person allows it, and then the container runs
// on the server's network.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { docker, useHomeServer } from '../homeserver/helpers.js'
import { confirmInstall, continueToHostKey, fillServer, openAddDialog } from './add-server-steps.js'
import { startE2e, type E2eSession } from './harness.js'

const home = useHomeServer()
const SERVER = `e2e-host-${process.pid}`
const APP = `e2e-host-${process.pid}`

let session: E2eSession
let page: Page

describe('host access in the install dialog', () => {
  beforeAll(async () => {
    await docker(['rm', '-f', `${APP}-tool-1`]).catch(() => '')
    session = await startE2e()
    page = session.page
  })
  afterAll(async () => {
    await docker(['rm', '-f', `${APP}-tool-1`]).catch(() => '')
    await docker(['network', 'rm', `${APP}_default`]).catch(() => '')
    await session?.close()
  })

  it('shows the risk, waits for consent, then installs it on the host network', async () => {
    await openAddDialog(page)
    await fillServer(page, home, { name: SERVER, auth: 'key', identityFile: home.keys.ed25519 })
    await continueToHostKey(page)
    await page.getByTestId('hostkey-accept').click()
    await expect.poll(() => page.getByTestId(`server-state-${SERVER}`).getAttribute('data-state'), { timeout: 20_000 }).toBe('ready')
    await page.getByTestId(`server-item-${SERVER}`).click()
    await page.getByTestId('server-store').click()
    await page.getByTestId('store-compose').click()
    await page.getByTestId('install-dialog').waitFor()
    await page.getByTestId('install-name').fill(APP)
    await page.getByTestId('install-compose').fill(`services:\n  tool:\n    image: ${home.registry}/homeport/busybox:1\n    command: ["sleep", "3600"]\n    network_mode: host\n`)
    await page.getByTestId('install-review').click()

    await page.getByTestId('host-access').waitFor({ timeout: 30_000 })
    const risks = await page.getByTestId('host-access-risk').allTextContents()
    expect(risks.some((r) => r.includes('tool') && /network/i.test(r))).toBe(true)
    expect(await page.getByTestId('install-confirm').isDisabled()).toBe(true)
    await session.screenshot('host-access-consent')

    await page.getByTestId('host-access-accept').click()
    expect(await page.getByTestId('install-confirm').isDisabled()).toBe(false)
    await confirmInstall(page)
    expect((await docker(['inspect', '--format', '{{.State.Running}} {{.HostConfig.NetworkMode}}', `${APP}-tool-1`])).trim()).toBe('true host')
  })
})
