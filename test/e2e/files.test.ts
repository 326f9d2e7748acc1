// Files end to end: the built renderer in headless Chromium through the web host, against the real core and
// the test home server. Uploads a file by dropping it on the browser (a real DataTransfer drop event),
// edits it in the editor (and meets a change made on the server meanwhile), downloads it through the
// browser, renames it with F2 and deletes it with Delete — checking the server's disk after every step —
// and scrolls a folder of 10,000 entries.

import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { docker, useHomeServer } from '../homeserver/helpers.js'
import { asUser, homeOf } from '../integration/files/files-fixture.js'
import { continueToHostKey, fillServer, openAddDialog } from './add-server-steps.js'
import { coreCall, startE2e, type E2eSession } from './harness.js'

const home = useHomeServer()
const SERVER = `e2e-files-${process.pid}`
const FOLDER = `homeport-e2e-files-${process.pid}`
const NAME = "my config 'v1'.yml"
const RENAMED = 'renamed $(touch canary).yml'
const ORIGINAL = 'name: homeport\nport: 80\n'
const MANY = 10_000
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='
const VOLUME = `e2e-files-${process.pid}`

let session: E2eSession
let page: Page
let remote: string

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex')
const onServer = (name: string) => path.join(remote, name)
const serverSha = (name: string) => asUser(home, ['sha256sum', onServer(name)]).split(' ')[0]
const exists = (name: string) => asUser(home, ['sh', '-c', 'test -e "$1" && echo yes || echo no', 'sh', onServer(name)]).trim() === 'yes'
const row = (name: string) => page.locator(`[data-testid="file-row"][data-name="${name.replace(/["\\]/g, '\\$&')}"]`)

/** A drop of a file made in the page, as the desktop would deliver it: dragover, then drop, with a DataTransfer. */
async function dropFile(name: string, content: string): Promise<void> {
  await page.evaluate(`(() => {
    const data = new DataTransfer()
    data.items.add(new File([${JSON.stringify(content)}], ${JSON.stringify(name)}, { type: 'text/plain' }))
    const target = document.querySelector('[data-testid="files-surface"]')
    for (const type of ['dragenter', 'dragover', 'drop']) target.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }))
  })()`)
}

async function lastTransferDone(): Promise<void> {
  const transfer = page.getByTestId('transfer').first()
  await expect.poll(() => transfer.getAttribute('data-phase'), { timeout: 60_000 }).toMatch(/succeeded|failed|cancelled/)
  if ((await transfer.getAttribute('data-phase')) !== 'succeeded') throw new Error(`the transfer did not succeed: ${await transfer.textContent()}`)
}

describe('files in the window', () => {
  beforeAll(async () => {
    remote = path.join(homeOf(home.user), FOLDER)
    asUser(home, ['mkdir', '-p', path.join(remote, 'many')])
    // 10,000 empty files, made on the server in one go.
    asUser(home, ['sh', '-c', `cd "$1" && seq -f 'entry-%05g' 1 ${MANY} | xargs touch`, 'sh', path.join(remote, 'many')])
    await docker(['volume', 'create', VOLUME])
    await docker(['run', '--rm', '--network', 'none', '-v', `${VOLUME}:/data`, home.images[0], 'sh', '-c', 'mkdir /data/conf && printf "port: 80\\n" > /data/conf/app.yml'])
    session = await startE2e()
    page = session.page
  })

  afterAll(async () => {
    await docker(['volume', 'rm', '-f', VOLUME]).catch(() => '')
    if (remote) execFileSync('rm', ['-rf', remote])
    await session?.close()
  })

  it('opens the file browser from the server page and walks into a folder', async () => {
    await openAddDialog(page)
    await fillServer(page, home, { name: SERVER, auth: 'key', identityFile: home.keys.ed25519 })
    await continueToHostKey(page)
    await page.getByTestId('hostkey-accept').click()
    await expect.poll(() => page.getByTestId(`server-state-${SERVER}`).getAttribute('data-state'), { timeout: 20_000 }).toBe('ready')
    await page.getByTestId(`server-item-${SERVER}`).click()
    await page.getByTestId('server-files').click()
    await expect.poll(() => page.getByTestId('files-page').getAttribute('data-path'), { timeout: 20_000 }).toBe(homeOf(home.user))
    await row(FOLDER).dblclick()
    await expect.poll(() => page.getByTestId('files-page').getAttribute('data-path')).toBe(remote)
    await expect.poll(() => page.getByTestId('breadcrumbs').getAttribute('data-path')).toBe(remote)
  })

  it('uploads a file dropped on the window; the server has the same bytes', async () => {
    await dropFile(NAME, ORIGINAL)
    await lastTransferDone()
    await row(NAME).waitFor()
    expect(serverSha(NAME)).toBe(sha256(ORIGINAL))
    await session.screenshot('files-01-uploaded')
  })

  it('asks about a name already taken: Keep both, then Replace', async () => {
    await dropFile(NAME, 'second: 2\n')
    const question = page.locator('[data-testid="prompt-dialog"][data-kind="nameClash"]')
    await question.waitFor({ timeout: 30_000 })
    await page.getByTestId('clash-rename').click()
    await lastTransferDone()
    const kept = NAME.replace('.yml', ' (1).yml')
    await row(kept).waitFor()
    expect(readFileSync(onServer(kept), 'utf8')).toBe('second: 2\n')
    expect(readFileSync(onServer(NAME), 'utf8')).toBe(ORIGINAL)

    await dropFile(kept, 'third: 3\n')
    await question.waitFor({ timeout: 30_000 })
    await page.getByTestId('clash-overwrite').click()
    await lastTransferDone()
    await expect.poll(() => readFileSync(onServer(kept), 'utf8')).toBe('third: 3\n')
    asUser(home, ['rm', onServer(kept)])
    await page.getByTestId('files-refresh').click()
    await expect.poll(() => row(kept).count()).toBe(0)
  })

  it('edits and saves it, and refuses to overwrite a change made on the server meanwhile until asked', async () => {
    await row(NAME).dblclick()
    const editor = page.getByTestId('editor-dialog')
    await editor.locator('.cm-content').waitFor()
    await expect.poll(() => editor.locator('.cm-content').textContent()).toContain('port: 80')
    await editor.locator('.cm-content').click()
    await page.keyboard.press('Control+End')
    await page.keyboard.type('debug: true')
    await expect.poll(() => page.getByTestId('editor-dirty').count()).toBe(1)
    await page.getByTestId('editor-save').click()
    await page.getByTestId('editor-saved').waitFor()
    expect(readFileSync(onServer(NAME), 'utf8')).toBe(`${ORIGINAL}debug: true`)

    // Someone changes the file on the server; the next save is refused and both texts are shown.
    asUser(home, ['sh', '-c', 'printf "changed: elsewhere\\n" > "$1"', 'sh', onServer(NAME)])
    await editor.locator('.cm-content').click()
    await page.keyboard.press('Control+End')
    await page.keyboard.type('\nlevel: 2')
    await expect.poll(() => page.getByTestId('editor-dirty').count()).toBe(1)
    await page.keyboard.press('Control+s')
    await page.getByTestId('editor-conflict').waitFor()
    expect(await page.getByTestId('editor-error').getAttribute('data-code')).toBe('FILE_CHANGED')
    await expect.poll(() => page.getByTestId('editor-theirs').textContent()).toContain('changed: elsewhere')
    expect(readFileSync(onServer(NAME), 'utf8')).toBe('changed: elsewhere\n')
    await session.screenshot('files-02-conflict')
    await page.getByTestId('editor-overwrite').click()
    await page.getByTestId('editor-saved').waitFor()
    expect(readFileSync(onServer(NAME), 'utf8')).toBe(`${ORIGINAL}debug: true\nlevel: 2`)
    await page.keyboard.press('Escape')
    await expect.poll(() => page.getByTestId('editor-dialog').count()).toBe(0)
  })

  it('downloads it through the browser with the sha256 the server computes', async () => {
    await row(NAME).click()
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId('files-download').click()])
    expect(download.suggestedFilename()).toBe(NAME)
    const saved = await download.path()
    expect(sha256(readFileSync(saved))).toBe(serverSha(NAME))
    await lastTransferDone()
  })

  it('renames it with F2 and deletes it with Delete after confirming', async () => {
    await row(NAME).click()
    await page.keyboard.press('F2')
    await page.getByTestId('name-dialog').waitFor()
    await page.getByTestId('name-input').fill(RENAMED)
    await page.keyboard.press('Enter')
    await row(RENAMED).waitFor()
    expect(exists(RENAMED)).toBe(true)
    expect(exists(NAME)).toBe(false)
    expect(exists('canary')).toBe(false)

    await row(RENAMED).click()
    await page.keyboard.press('Delete')
    await page.getByTestId('delete-dialog').waitFor()
    // Cancel holds the focus: Enter by habit would not delete.
    await expect.poll(() => page.evaluate(`document.activeElement?.getAttribute('data-testid')`)).toBe('delete-cancel')
    await page.getByTestId('delete-confirm').click()
    await expect.poll(() => row(RENAMED).count()).toBe(0)
    expect(exists(RENAMED)).toBe(false)
  })

  it('makes a folder, shows hidden files on demand, copies with Ctrl+C / Ctrl+V, and previews a picture from the context menu', async () => {
    asUser(home, ['sh', '-c', 'printf secret > "$1/.hidden"', 'sh', remote])
    writeFileSync(onServer('dot.png'), Buffer.from(PNG_1X1, 'base64'))
    execFileSync('chown', [`${home.user}:${home.user}`, onServer('dot.png')])
    await page.getByTestId('files-refresh').click()
    await row('dot.png').waitFor()
    expect(await row('.hidden').count()).toBe(0)
    await page.getByTestId('files-hidden').click()
    await row('.hidden').waitFor()
    await page.getByTestId('files-hidden').click()
    await expect.poll(() => row('.hidden').count()).toBe(0)

    await page.getByTestId('files-new-folder').click()
    await page.getByTestId('name-input').fill('copies')
    await page.keyboard.press('Enter')
    await row('copies').waitFor()
    expect(statSync(onServer('copies')).isDirectory()).toBe(true)

    await page.getByTestId('files-picker').setInputFiles({ name: 'picked.txt', mimeType: 'text/plain', buffer: Buffer.from('picked\n') })
    await lastTransferDone()
    await row('picked.txt').waitFor()
    expect(readFileSync(onServer('picked.txt'), 'utf8')).toBe('picked\n')

    await row('dot.png').click()
    await page.keyboard.press('Control+c')
    await row('copies').dblclick()
    await expect.poll(() => page.getByTestId('files-page').getAttribute('data-path')).toBe(onServer('copies'))
    await page.getByTestId('files-surface').focus()
    await page.keyboard.press('Control+v')
    await row('dot.png').waitFor({ timeout: 30_000 })
    expect(sha256(readFileSync(onServer('copies/dot.png')))).toBe(sha256(Buffer.from(PNG_1X1, 'base64')))

    await row('dot.png').click({ button: 'right' })
    await page.getByText('Preview', { exact: true }).click()
    const image = page.getByTestId('preview-image')
    await image.waitFor({ timeout: 30_000 })
    await expect.poll(() => image.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)).toBe(1)
    await session.screenshot('files-05-preview')
    await page.keyboard.press('Escape')
    await expect.poll(() => page.getByTestId('preview-dialog').count()).toBe(0)
    await page.getByTestId('files-surface').focus()
    await page.keyboard.press('Backspace')
    await expect.poll(() => page.getByTestId('files-page').getAttribute('data-path')).toBe(remote)
  })

  it(`lists a folder of ${MANY} entries, scrolls to the end, sorts, and goes back up with Backspace`, async () => {
    await row('many').dblclick()
    const list = page.getByTestId('file-list')
    await expect.poll(() => list.getAttribute('data-count'), { timeout: 60_000 }).toBe(String(MANY))
    // Virtual rows: only what fits on screen exists in the page.
    expect(await page.getByTestId('file-row').count()).toBeLessThan(200)
    await row('entry-00001').waitFor()
    await page.locator('[data-testid="file-rows"] .v-vl, [data-testid="file-rows"]').first().evaluate((el) => {
      const scroller = el.classList.contains('v-vl') ? el : (el.querySelector('.v-vl') ?? el)
      scroller.scrollTop = scroller.scrollHeight
    })
    await row(`entry-${String(MANY).padStart(5, '0')}`).waitFor()
    expect(await row('entry-00001').count()).toBe(0)
    await session.screenshot('files-03-many')

    await page.getByTestId('sort-name').click()
    await expect.poll(() => page.getByTestId('sort-name').getAttribute('aria-sort')).toBe('descending')
    await row(`entry-${String(MANY).padStart(5, '0')}`).click()
    await page.keyboard.press('ArrowDown')
    await expect.poll(() => row(`entry-${String(MANY - 1).padStart(5, '0')}`).getAttribute('aria-selected')).toBe('true')
    await page.keyboard.press('Backspace')
    await expect.poll(() => page.getByTestId('files-page').getAttribute('data-path')).toBe(remote)
  })

  it('highlights YAML, JSON, INI/conf, shell and Markdown in the editor, and leaves plain text plain', async () => {
    const samples: Record<string, [string, string]> = {
      'app.yml': ['yaml', 'name: web\nport: 80 # public\n'],
      'data.json': ['json', '{"name": "web", "port": 80}\n'],
      'site.conf': ['ini', '[server]\n# public port\nport = 80\n'],
      'run.sh': ['shell', '#!/bin/sh\necho "hello" # greet\n'],
      'notes.md': ['markdown', '# Notes\n\n*Read* the `docs`.\n'],
      'notes.txt': ['plain', 'just words # not a comment\n'],
    }
    const folder = path.join(remote, 'langs')
    asUser(home, ['mkdir', folder])
    for (const [name, [, text]] of Object.entries(samples)) asUser(home, ['sh', '-c', 'cat > "$1"', 'sh', path.join(folder, name)], text)
    await page.getByTestId('files-refresh').click()
    await row('langs').dblclick()
    await expect.poll(() => page.getByTestId('files-page').getAttribute('data-path')).toBe(folder)
    const editor = page.getByTestId('editor-dialog')
    // CodeMirror's highlight style marks tokens with its generated classes, which all start with ͼ.
    const tokens = editor.locator('.cm-line span[class*="ͼ"]')
    for (const [name, [language, text]] of Object.entries(samples)) {
      await row(name).dblclick()
      await expect.poll(() => editor.locator('.cm-content').textContent(), { timeout: 30_000 }).toContain(text.split('\n')[0])
      expect(await editor.getByTestId('editor-text').getAttribute('data-language')).toBe(language)
      if (language === 'plain') expect(await tokens.count()).toBe(0)
      else await expect.poll(() => tokens.count()).toBeGreaterThan(0)
      if (language === 'markdown') await session.screenshot('files-04-markdown')
      await page.keyboard.press('Escape')
      await expect.poll(() => editor.count()).toBe(0)
    }
    await page.keyboard.press('Backspace')
    await expect.poll(() => page.getByTestId('files-page').getAttribute('data-path')).toBe(remote)
  })

  it('browses and edits a file inside a named Docker volume with the same browser', async () => {
    await coreCall(session, 'settings.set', { key: 'files.volumeHelperImage', value: home.images[0] })
    await page.getByTestId('files-volume').click()
    await page.getByText(`Volume ${VOLUME}`, { exact: true }).click()
    await expect.poll(() => page.getByTestId('files-page').getAttribute('data-volume')).toBe(VOLUME)
    await row('conf').dblclick()
    await row('app.yml').dblclick()
    const editor = page.getByTestId('editor-dialog')
    await expect.poll(() => editor.locator('.cm-content').textContent(), { timeout: 30_000 }).toContain('port: 80')
    await editor.locator('.cm-content').click()
    await page.keyboard.press('Control+End')
    await page.keyboard.type('tls: on')
    // Typed keys reach the editor's text a moment after the key events on a busy machine.
    await expect.poll(() => editor.locator('.cm-content').textContent()).toContain('tls: on')
    await expect.poll(() => page.getByTestId('editor-dirty').count()).toBe(1)
    await page.keyboard.press('Control+s')
    await page.getByTestId('editor-saved').waitFor({ timeout: 30_000 })
    expect(await docker(['run', '--rm', '--network', 'none', '-v', `${VOLUME}:/data`, home.images[0], 'cat', '/data/conf/app.yml'])).toBe('port: 80\ntls: on')
    await page.keyboard.press('Escape')
    await session.screenshot('files-04-volume')
    const at = () => page.getByTestId('files-page').getAttribute('data-path')
    await page.goBack()
    await expect.poll(at).toBe('/')
    await page.goForward()
    await expect.poll(at).toBe('/conf')
    await page.locator('[data-testid="crumb"][data-path="/"]').click()
    await expect.poll(at).toBe('/')
  })
})
