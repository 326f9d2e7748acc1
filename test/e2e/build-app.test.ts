// A pasted compose file with `build:` in the install dialog: the Build folder field appears and is required,
// the plan lists the image as built, and the install builds it on the server from that folder on this
// computer, showing the build's steps, until the container from it runs and answers.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { docker, useHomeServer } from '../homeserver/helpers.js'
import { addServerByKey, confirmInstall } from './add-server-steps.js'
import { startE2e, type E2eSession } from './harness.js'

const home = useHomeServer()
const SERVER = `e2e-build-${process.pid}`
const APP = `e2e-build-${process.pid}`
const MARK = `built-in-window-${process.pid}`

let session: E2eSession
let page: Page
let folder: string

describe('installing a compose file that builds its image, in the window', () => {
  beforeAll(async () => {
    await docker(['rm', '-f', `${APP}-web-1`]).catch(() => '')
    folder = mkdtempSync(join(tmpdir(), 'homeport-e2e-build-'))
    mkdirSync(join(folder, 'web'))
    writeFileSync(join(folder, 'web', 'Dockerfile'), `FROM ${home.registry}/homeport/busybox:1\nCOPY index.html /www/index.html\nCMD ["httpd", "-f", "-p", "80", "-h", "/www"]\n`)
    writeFileSync(join(folder, 'web', 'index.html'), `${MARK}\n`)
    session = await startE2e()
    page = session.page
  })
  afterAll(async () => {
    await docker(['rm', '-f', `${APP}-web-1`]).catch(() => '')
    await docker(['network', 'rm', `${APP}_default`]).catch(() => '')
    await docker(['rmi', '-f', `homeport/${APP}-web:latest`]).catch(() => '')
    rmSync(folder, { recursive: true, force: true })
    await session?.close()
  })

  it('asks for the build folder, plans a build, builds on the server and runs the container', async () => {
    await addServerByKey(page, home, SERVER)
    await page.getByTestId(`server-item-${SERVER}`).click()
    await page.getByTestId('server-store').click()
    await page.getByTestId('store-compose').click()
    await page.getByTestId('install-dialog').waitFor()
    await page.getByTestId('install-name').fill(APP)
    await page.getByTestId('install-compose').fill('services:\n  web:\n    build: ./web\n')

    // Required once the file builds: Review plan names the missing folder.
    await page.getByTestId('install-review').click()
    await expect.poll(() => page.getByTestId('install-dialog').textContent()).toContain('Give the folder of the compose file on this computer')
    await page.getByTestId('install-build-dir').fill(folder)
    await page.getByTestId('install-review').click()

    await page.getByTestId('plan-preview').waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('plan-image').first().textContent()).toMatch(new RegExp(`^\\s*build\\s*homeport/${APP}-web:latest`))
    await session.screenshot('build-app-plan')

    const progress = await confirmInstall(page)
    expect(await progress.getByTestId('job-log').textContent()).toContain('Step 2/5 : COPY index.html /www/index.html')
    await session.screenshot('build-app-installed')
    expect((await docker(['inspect', '--format', '{{.State.Running}} {{.Config.Image}}', `${APP}-web-1`])).trim()).toBe(`true homeport/${APP}-web:latest`)
    await expect.poll(() => docker(['exec', `${APP}-web-1`, 'wget', '-qO-', 'http://127.0.0.1/index.html']).catch(() => ''), { timeout: 30_000 }).toBe(`${MARK}\n`)
  })
})
