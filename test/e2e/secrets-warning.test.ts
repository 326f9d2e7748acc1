// On a computer where no keychain answers, the window says so at once: passwords are kept in memory for
// this session only, and why (the keychain's own error), before anyone types one.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { ERROR_CODES } from '../../shared/errors.js'
import { useHomeServer } from '../homeserver/helpers.js'
import { startE2e, type E2eSession } from './harness.js'

useHomeServer()

let session: E2eSession
let page: Page

describe('the window without a keychain', () => {
  beforeAll(async () => {
    session = await startE2e({ keychain: 'unavailable' })
    page = session.page
  })
  afterAll(async () => {
    await session?.close()
  })

  it('shows a banner: secrets are kept for this session only, why, and what to do', async () => {
    const banner = page.getByTestId('secrets-warning')
    await banner.waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('secrets-warning-message').textContent()).toBe(ERROR_CODES.SECRET_STORE_UNAVAILABLE.message)
    // Why: the keychain's own words (here: no D-Bus session to reach a Secret Service on).
    expect((await page.getByTestId('secrets-warning-why').textContent())?.replace(/^Why: /, '').trim()).not.toBe('')
    expect(await page.getByTestId('secrets-warning-hint').textContent()).toContain(ERROR_CODES.SECRET_STORE_UNAVAILABLE.hint)
    await session.screenshot('secrets-warning')

    // It can be put away for this session, and says nothing more until the next start.
    await banner.getByRole('button').first().click()
    await expect.poll(() => banner.count()).toBe(0)
  })
})
