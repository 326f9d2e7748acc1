import { mkdtemp, mkdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { createCore } from '../../electron/core/create-core.js'
import { startWebHost, type WebHost } from '../../electron/web/web-host.js'
export interface E2eSession { page: Page; webHost: WebHost; screenshot(name: string): Promise<void>; close(): Promise<void> }
export async function startE2e(): Promise<E2eSession> {
  const dataDir = await mkdtemp(join(tmpdir(), 'hp-r-e2e-'))
  const webHost = await startWebHost({ rendererDir: '/work/main/dist/renderer', createCore: (events) => createCore({ dataDir, events }) })
  const browser: Browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] })
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } })
  await page.goto(webHost.url)
  await mkdir('/tmp/hp-r/shots', { recursive: true })
  return {
    page, webHost,
    screenshot: async (name) => { await page.screenshot({ path: `/tmp/hp-r/shots/${name}.png` }) },
    close: async () => { await browser.close(); await webHost.close(); await rm(dataDir, { recursive: true, force: true }) },
  }
}
