// Runs the window as a user would, minus Electron: the built renderer served by the real web host, over a
// real core (fresh HOMEPORT_HOME, empty ssh config and known_hosts), in Debian's headless Chromium driven
// by playwright-core. Screenshots go to test-results/e2e/.

import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import WebSocket from 'ws'
import type { MethodInput, MethodName, MethodOutput } from '../../shared/contract/index.js'
import { createCore } from '../../electron/core/runtime/create-core.js'
import { MemorySecretStore } from '../../electron/core/secrets/memory-store.js'
import { startWebHost, type WebHost } from '../../electron/web/web-host.js'

const repo = resolve(import.meta.dirname, '../..')
const rendererDir = join(repo, 'dist/renderer')
const shotsDir = join(repo, 'test-results/e2e')
export const CHROMIUM = process.env.HOMEPORT_CHROMIUM ?? '/usr/bin/chromium'
// Without the networking flags Chromium floods a closed network with update and sync requests.
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic']

export interface E2eSession {
  page: Page
  context: BrowserContext
  webHost: WebHost
  dataDir: string
  screenshot(name: string): Promise<string>
  close(): Promise<void>
}

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

/** Builds the renderer once per run when the build is missing or older than its sources. */
export function ensureRendererBuilt(): void {
  const index = join(rendererDir, 'index.html')
  const sources = Math.max(newestMtime(join(repo, 'renderer')), newestMtime(join(repo, 'shared')))
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return
  execFileSync(process.execPath, [join(repo, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], { cwd: repo, stdio: 'inherit' })
}

export interface E2eOptions {
  /**
   * `unavailable`: the core looks for the OS keychain itself and finds none (this worker's D-Bus address points
   * at nothing), as on a desktop without a Secret Service. Default: an in-memory store handed to the core.
   */
  keychain?: 'memory' | 'unavailable'
}

export async function startE2e(options: E2eOptions = {}): Promise<E2eSession> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}: apt-get install chromium (or set HOMEPORT_CHROMIUM)`)
  ensureRendererBuilt()
  mkdirSync(shotsDir, { recursive: true })
  if (options.keychain === 'unavailable') process.env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent/homeport-e2e-no-keychain'
  const dataDir = mkdtempSync(join(tmpdir(), 'homeport-e2e-'))
  writeFileSync(join(dataDir, 'ssh_config'), '')
  writeFileSync(join(dataDir, 'known_hosts'), '')
  let webHost: WebHost | undefined
  let browser: Browser | undefined
  try {
    webHost = await startWebHost({
      rendererDir,
      createCore: (events) =>
        createCore({
          dataDir,
          events,
          // The e2e suites test the window; the real keychain is covered by the integration tests.
          ...(options.keychain === 'unavailable' ? {} : { secrets: new MemorySecretStore() }),
          sshConfigPath: join(dataDir, 'ssh_config'),
          knownHostsPath: join(dataDir, 'known_hosts'),
        }),
    })
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true })
    const context = await browser.newContext({ viewport: { width: 1280, height: 820 }, colorScheme: 'light' })
    const page = await context.newPage()
    await page.goto(webHost.url)
    await page.getByTestId('app-shell').waitFor({ timeout: 30_000 })
    const host = webHost
    const openBrowser = browser
    return {
      page,
      context,
      webHost: host,
      dataDir,
      async screenshot(name) {
        const file = join(shotsDir, `${name}.png`)
        await page.screenshot({ path: file, fullPage: true })
        return file
      },
      async close() {
        await openBrowser.close().catch(() => undefined)
        await host.close()
        rmSync(dataDir, { recursive: true, force: true })
      },
    }
  } catch (err) {
    await browser?.close().catch(() => undefined)
    await webHost?.close().catch(() => undefined)
    rmSync(dataDir, { recursive: true, force: true })
    throw err
  }
}

/** A contract call straight to the web host, as the window would make it (set-up the window has no field for). */
export async function coreCall<M extends MethodName>(session: Pick<E2eSession, 'webHost'>, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const ws = new WebSocket(`ws://127.0.0.1:${session.webHost.port}/ws?token=${encodeURIComponent(session.webHost.token)}`, 'homeport')
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
  const answer = new Promise<{ result: { ok: boolean; value?: unknown } }>((resolve) =>
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; result: { ok: boolean; value?: unknown } }
      if (message.type === 'result') resolve(message)
    }),
  )
  ws.send(JSON.stringify({ type: 'call', id: 1, method, input }))
  const { result } = await answer
  ws.close()
  if (!result.ok) throw new Error(`${method} failed: ${JSON.stringify(result)}`)
  return result.value as MethodOutput<M>
}
