// The server basics end to end, in headless Chromium through the web host against the test home server: a
// container outside any app stopped, started, restarted from the keyboard, read and entered from the server
// page's table; a volume removed from the engine page after its preview; a shell on the server itself running
// `hostname`; and an installed app's compose file edited in the window so that its container really listens on
// the new port, and an edit that gives it more of the server applied only with consent — each checked on the
// server's engine.

import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { docker as dockerRaw, useHomeServer } from '../homeserver/helpers.js'
import { addHomeServer, cliSandbox, type CliSandbox } from '../integration/cli/run-cli.js'
import { addServerByKey, setRegistryMirror } from './add-server-steps.js'
import { startE2e, type E2eSession } from './harness.js'

const home = useHomeServer()
const PREFIX = `e2ebasics${process.pid}`
const SERVER = PREFIX
const CONTAINER = `${PREFIX}-ctr`
const VOLUME = `${PREFIX}-vol`
const APP = `${PREFIX}-app`
const docker = async (args: string[]) => (await dockerRaw(args)).trim()
const status = () => docker(['inspect', '-f', '{{.State.Status}}', CONTAINER])

let session: E2eSession
let page: Page
let cli: CliSandbox
let ports: [number, number]

/** Two ports nothing listens on (the server is this machine). */
async function freePorts(): Promise<[number, number]> {
  const one = () =>
    new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as net.AddressInfo
        s.close(() => resolve(port))
      })
    })
  return [await one(), await one()]
}

const compose = (port: number) => `services:
  web:
    image: docker.io/homeport/httpd:1
    ports:
      - "127.0.0.1:${port}:80"
    stop_grace_period: 1s
`

function row(name: string) {
  return page.getByTestId(`container-row-${name}`)
}

describe('server basics in the window', () => {
  beforeAll(async () => {
    await docker(['rm', '-f', CONTAINER]).catch(() => '')
    await docker(['run', '-d', '--name', CONTAINER, '--network', 'none', home.images[0], 'sh', '-c', 'echo hello-from-$HOSTNAME; trap "exit 0" TERM; while true; do sleep 1; done'])
    await docker(['volume', 'create', VOLUME])
    await docker(['run', '--rm', '--network', 'none', '-v', `${VOLUME}:/data`, home.images[0], 'sh', '-c', 'head -c 2000000 /dev/urandom > /data/blob'])
    // The app to edit is installed from the CLI: another Homeport on the same server sees it as its own.
    ports = await freePorts()
    cli = cliSandbox()
    await addHomeServer(cli, home, 'hs')
    expect((await cli.run(['apps', 'mirror', 'hs', home.registry])).code).toBe(0)
    const file = path.join(cli.home, 'compose.yml')
    fs.writeFileSync(file, compose(ports[0]))
    const installed = await cli.run(['apps', 'install', 'hs', '--file', file, '--name', APP])
    expect(installed.code, installed.stderr).toBe(0)
    session = await startE2e()
    page = session.page
  }, 180_000)

  afterAll(async () => {
    await cli?.run(['apps', 'remove', 'hs', APP, '--volumes', '--yes'])
    cli?.dispose()
    await docker(['rm', '-f', CONTAINER]).catch(() => '')
    await docker(['volume', 'rm', '-f', VOLUME]).catch(() => '')
    await session?.close()
  })

  it('adds the test server and shows its containers with their actions', async () => {
    await addServerByKey(page, home, SERVER)
    // Images named on Docker Hub come from the test registry (the compose edit below pulls through it).
    await setRegistryMirror(page, SERVER, home.registry)
    await row(CONTAINER).waitFor({ timeout: 20_000 })
    expect(await row(CONTAINER).getAttribute('data-state')).toBe('running')
  })

  it('stops and starts a container that belongs to no app, from its row', async () => {
    await row(CONTAINER).getByTestId('container-stop').click()
    await page.getByTestId('container-stop-question').waitFor()
    await session.screenshot('basics-01-stop-question')
    await page.getByTestId('container-stop-question-yes').click()
    await expect.poll(status, { timeout: 30_000 }).toBe('exited')
    await expect.poll(() => row(CONTAINER).getAttribute('data-state'), { timeout: 20_000 }).toBe('exited')

    await row(CONTAINER).getByTestId('container-start').click()
    await expect.poll(status, { timeout: 30_000 }).toBe('running')
    await expect.poll(() => row(CONTAINER).getAttribute('data-state'), { timeout: 20_000 }).toBe('running')
  })

  it('asks before a restart from the keyboard: Escape keeps it running, Enter restarts it', async () => {
    const startedAt = () => docker(['inspect', '-f', '{{.State.StartedAt}}', CONTAINER])
    const focused = () => page.evaluate<string>(`document.activeElement?.getAttribute('data-testid') ?? ''`)
    const before = await startedAt()
    const restart = row(CONTAINER).getByTestId('container-restart')
    const question = page.getByTestId('container-restart-question')

    await restart.focus()
    await page.keyboard.press('Enter')
    await question.waitFor()
    expect(await question.textContent()).toContain(`Restart ${CONTAINER}?`)
    await expect.poll(focused, { timeout: 10_000 }).toBe('container-restart-question-yes')
    await page.keyboard.press('Escape')
    await question.waitFor({ state: 'hidden' })
    await expect.poll(focused, { timeout: 10_000 }).toBe('container-restart')
    expect(await startedAt()).toBe(before)
    expect(await status()).toBe('running')

    await page.keyboard.press('Enter')
    await question.waitFor()
    await expect.poll(focused, { timeout: 10_000 }).toBe('container-restart-question-yes')
    await page.keyboard.press('Enter')
    await question.waitFor({ state: 'hidden' })
    await expect.poll(startedAt, { timeout: 30_000 }).not.toBe(before)
    await expect.poll(status, { timeout: 30_000 }).toBe('running')
    await expect.poll(() => row(CONTAINER).getAttribute('data-state'), { timeout: 20_000 }).toBe('running')
  })

  it("reads the container's logs and runs a command in it", async () => {
    await row(CONTAINER).getByTestId('container-logs').click()
    const lines = page.getByTestId('container-log-lines')
    // It printed its greeting each time it started (docker run, then the window's Start): as many as Docker has.
    const greetings = (text: string) => text.split('hello-from-').length - 1
    const started = greetings(await docker(['logs', CONTAINER]))
    expect(started).toBeGreaterThanOrEqual(1)
    await expect.poll(async () => greetings((await lines.textContent()) ?? ''), { timeout: 20_000 }).toBe(started)
    await page.keyboard.press('Escape')
    await page.getByTestId('container-logs-dialog').waitFor({ state: 'detached' })

    await row(CONTAINER).getByTestId('container-terminal').click()
    const terminal = page.getByTestId('container-terminal-view')
    await expect.poll(() => terminal.getAttribute('data-state'), { timeout: 20_000 }).toBe('open')
    await terminal.getByTestId('terminal-host').click()
    await page.keyboard.type('echo in-ctr-$((6*7))')
    await page.keyboard.press('Enter')
    await expect.poll(() => terminal.locator('.xterm-rows').textContent(), { timeout: 20_000 }).toContain('in-ctr-42')
    await session.screenshot('basics-02-container-terminal')
    await page.getByTestId('container-terminal-close').click()
    await page.getByTestId('container-terminal-dialog').waitFor({ state: 'detached' })
  })

  it('opens a shell on the server itself, which runs hostname', async () => {
    await page.getByTestId('server-shell').click()
    const shell = page.getByTestId('host-shell')
    await shell.waitFor({ timeout: 30_000 })
    await expect.poll(() => shell.getAttribute('data-state'), { timeout: 30_000 }).toBe('open')
    await shell.getByTestId('terminal-host').click()
    // The prompt may name the host too: only the command's own output is in angle brackets.
    await page.keyboard.type(`printf '<%s>\\n' "$(hostname)"`)
    await page.keyboard.press('Enter')
    await expect.poll(() => shell.locator('.xterm-rows').textContent(), { timeout: 20_000 }).toContain(`<${os.hostname()}>`)
    await session.screenshot('basics-03-host-shell')
    await page.goBack()
  })

  it('removes an unused volume after showing what it frees', async () => {
    await page.getByTestId('server-engine').click()
    await page.getByRole('tab', { name: 'Volumes' }).click()
    const volume = page.getByTestId(`engine-row-${VOLUME}`)
    await volume.waitFor({ timeout: 20_000 })
    expect(await volume.getAttribute('data-removable')).toBe('true')
    await volume.locator('.n-checkbox').click()
    await page.getByTestId('engine-remove-selected').click()
    const preview = page.getByTestId(`preview-${VOLUME}`)
    await preview.waitFor({ timeout: 20_000 })
    expect(await preview.textContent()).toContain('1.9 MiB')
    expect(await page.getByTestId('preview-total').textContent()).toMatch(/1 item, freeing 1\.9 MiB\.\s*The data in these volumes is deleted for good\./)
    await session.screenshot('basics-04-volume-preview')
    // Nothing is removed by the preview.
    expect(await docker(['volume', 'inspect', '-f', '{{.Name}}', VOLUME])).toBe(VOLUME)
    await page.getByTestId('remove-confirm').click()
    await expect.poll(() => page.getByTestId('remove-result').textContent(), { timeout: 30_000 }).toMatch(/Removed 1 item, freed 1\.9 MiB\./)
    await expect(docker(['volume', 'inspect', VOLUME])).rejects.toThrow()
    await page.getByTestId('remove-cancel').click()
    await expect.poll(() => page.getByTestId(`engine-row-${VOLUME}`).count()).toBe(0)
  })

  it("edits an app's compose file: the plan shows the change and the container listens on the new port", async () => {
    await page.goto(`${session.webHost.url.split('#')[0]}#/servers/${await serverId()}/apps/${APP}`)
    await page.getByRole('tab', { name: 'Compose file' }).click()
    const editor = page.getByTestId('compose-text').locator('.cm-content')
    await expect.poll(() => editor.textContent(), { timeout: 20_000 }).toContain(String(ports[0]))
    await editor.click()
    await page.keyboard.press('Control+A')
    await page.keyboard.insertText('services:\n  web:\n    ports: "unclosed\n')
    await expect.poll(() => page.getByTestId('compose-problems').textContent()).toMatch(/Line \d+:/)
    expect(await page.getByTestId('compose-review').isDisabled()).toBe(true)

    await page.keyboard.press('Control+A')
    await page.keyboard.insertText(compose(ports[1]))
    await page.getByTestId('compose-review').click()
    await page.getByTestId('compose-plan').waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('plan-container-web').getAttribute('data-action')).toBe('recreate')
    await session.screenshot('basics-05-compose-plan')
    expect(await docker(['port', `${APP}-web-1`, '80/tcp'])).toBe(`127.0.0.1:${ports[0]}`)

    await page.getByTestId('compose-apply').click()
    const progress = page.getByTestId('app-job').getByTestId('job-progress')
    await progress.waitFor()
    await expect.poll(() => progress.getAttribute('data-state'), { timeout: 90_000 }).not.toBe('running')
    expect(await progress.getAttribute('data-state'), (await progress.textContent()) ?? '').toBe('succeeded')
    expect(await docker(['port', `${APP}-web-1`, '80/tcp'])).toBe(`127.0.0.1:${ports[1]}`)
    expect(await fetch(`http://127.0.0.1:${ports[1]}/`).then((r) => r.text())).toContain('homeport test app')
  })

  it('asks for consent before an edit gives the app more of the server', async () => {
    const editor = page.getByTestId('compose-text').locator('.cm-content')
    await expect.poll(() => editor.textContent(), { timeout: 20_000 }).toContain(String(ports[1]))
    await editor.click()
    await page.keyboard.press('Control+A')
    // A system folder of the server, read-only: a risk the core names, harmless to run here.
    await page.keyboard.insertText(compose(ports[1]).replace('    stop_grace_period', '    volumes:\n      - /etc:/host-etc:ro\n    stop_grace_period'))
    await page.getByTestId('compose-review').click()
    await page.getByTestId('compose-plan').waitFor({ timeout: 30_000 })
    await page.getByTestId('compose-apply').click()
    await expect.poll(() => page.getByTestId('compose-error').getAttribute('data-code'), { timeout: 30_000 }).toBe('HOST_ACCESS_NOT_ACCEPTED')
    await page.getByTestId('host-access').waitFor()
    expect(await page.getByTestId('compose-apply').isDisabled()).toBe(true)
    const mounts = () => docker(['inspect', '-f', '{{range .Mounts}}{{.Source}}:{{.Destination}} {{end}}', `${APP}-web-1`]).catch(() => '')
    expect(await mounts()).not.toContain('/etc:/host-etc')

    await page.getByTestId('host-access-accept').click()
    await page.getByTestId('compose-apply').click()
    const progress = page.getByTestId('app-job').getByTestId('job-progress')
    await expect.poll(async () => (await mounts()).includes('/etc:/host-etc') && (await progress.getAttribute('data-state')) !== 'running', { timeout: 90_000 }).toBe(true)
    expect(await progress.getAttribute('data-state'), (await progress.textContent()) ?? '').toBe('succeeded')
    expect(await docker(['exec', `${APP}-web-1`, 'cat', '/host-etc/hostname'])).toBe(os.hostname())
  })
})

/** The id the window gave the server (its route). */
async function serverId(): Promise<string> {
  await page.getByTestId(`server-item-${SERVER}`).click()
  await page.getByTestId('server-page').waitFor()
  return decodeURIComponent(new URL(page.url()).hash.replace(/^#\/servers\//, '').split('/')[0])
}
