// Scheduled tasks end to end: the built renderer in headless Chromium through the web host, against the real
// core and the test home server (cron path). Adds a task in the window (a field error first, then one only the
// server can tell), runs it now and watches its output, reads its history with the run's log, and removes it
// after the confirmation; the cron entry and the run records are checked on the server.

import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useHomeServer } from '../homeserver/helpers.js'
import { addServerByKey } from './add-server-steps.js'
import { coreCall, startE2e, type E2eSession } from './harness.js'

const home = useHomeServer()
const SERVER = `e2e-tasks-${process.pid}`
const TASK = `e2e-task-${process.pid}`
const tasksDir = () => `/home/${home.user}/.local/share/homeport/tasks`
let session: E2eSession
let page: Page

const crontab = () => {
  try {
    return execFileSync('su', ['-s', '/bin/sh', '-c', 'crontab -l', home.user], { encoding: 'utf8' })
  } catch {
    return ''
  }
}

describe('scheduled tasks in the window', { timeout: 300_000 }, () => {
  beforeAll(async () => {
    session = await startE2e()
    page = session.page
  }, 300_000)

  afterAll(async () => {
    if (session) {
      await coreCall(session, 'tasks.remove', { serverId: SERVER, name: TASK, deleteHistory: true }).catch(() => undefined)
      await session.close()
    }
  }, 120_000)

  it('adds a task from the Tasks page, with errors that name the field', async () => {
    await addServerByKey(page, home, SERVER)
    await page.getByTestId(`server-item-${SERVER}`).click()
    await page.getByTestId('server-tasks').click()
    await page.getByTestId('tasks-page').waitFor()
    await page.locator('[data-testid="tasks-list"][data-loaded="true"]').waitFor({ timeout: 60_000 })
    await page.getByTestId('task-add').click()
    await page.getByTestId('task-add-dialog').waitFor()
    // Escape closes it; nothing was added.
    await page.keyboard.press('Escape')
    await expect.poll(() => page.getByTestId('task-add-dialog').count()).toBe(0)
    await page.getByTestId('task-add').click()
    await page.getByTestId('task-name').fill('Bad Name')
    await page.getByTestId('task-cron').fill('0 3 * *')
    await page.getByTestId('task-where-image').click()
    await page.getByTestId('task-image').fill(home.images[0])
    await page.getByTestId('task-command').fill(`sh -c 'echo "hello $1"; echo done' sh "it's \\$(id)"`)
    await page.getByTestId('task-add-save').click()
    expect(await page.getByTestId('task-name-error').textContent()).toContain('lower-case')
    expect(await page.getByTestId('task-cron-error').textContent()).toContain('five fields')
    await page.getByTestId('task-name').fill(TASK)
    // Five fields, but no hour 25: only the core can tell, and it says which field.
    await page.getByTestId('task-cron').fill('0 25 * * *')
    await page.getByTestId('task-cron').press('Enter')
    await expect.poll(() => page.getByTestId('task-add-error').textContent(), { timeout: 60_000 }).toContain('hour')
    expect(crontab()).not.toContain(TASK)
    await page.getByTestId('task-cron').fill('15 4 * * *')
    await page.getByTestId('task-add-save').click()
    await expect.poll(() => page.getByTestId('task-add-dialog').count(), { timeout: 60_000 }).toBe(0)
    await page.getByTestId(`task-${TASK}`).waitFor()
    expect(await page.getByTestId(`task-status-${TASK}`).textContent()).toContain('Never run')
    expect(await page.getByTestId(`task-next-${TASK}`).textContent()).toContain('Next run')
    expect(crontab()).toContain(`15 4 * * * /bin/sh ${tasksDir()}/${TASK}/run.sh run # homeport-schedule task-${TASK}`)
  })

  it('runs it now with its output, and shows the run and its log in the history', async () => {
    await page.getByTestId(`task-run-${TASK}`).click()
    await expect.poll(() => page.getByTestId(`task-live-log-${TASK}`).textContent(), { timeout: 120_000 }).toContain("hello it's $(id)")
    await expect.poll(() => page.getByTestId(`task-status-${TASK}`).textContent(), { timeout: 60_000 }).toContain('OK (exit 0)')
    const records = fs.readdirSync(`${tasksDir()}/${TASK}/runs`).filter((f) => f.endsWith('.json'))
    expect(records).toHaveLength(1)
    const record = JSON.parse(fs.readFileSync(`${tasksDir()}/${TASK}/runs/${records[0]}`, 'utf8')) as { status: string; exitCode: number }
    expect(record).toMatchObject({ status: 'ok', exitCode: 0 })
    await page.getByTestId(`task-history-${TASK}`).click()
    await page.getByTestId('task-history-dialog').waitFor()
    await expect.poll(() => page.getByTestId('task-history-log').textContent(), { timeout: 60_000 }).toBe("hello it's $(id)\ndone\n")
    await session.screenshot('tasks-history')
    await page.keyboard.press('Escape')
    await expect.poll(() => page.getByTestId('task-history-dialog').count()).toBe(0)
  })

  it('refuses a second run while one goes on, and shows it skipped in the history', async () => {
    const slow = `${TASK}-slow`
    await coreCall(session, 'tasks.add', { serverId: SERVER, name: slow, cron: 'monthly', target: { kind: 'image', image: home.images[0] }, command: ['sh', '-c', 'echo waiting; sleep 600'] })
    try {
      const { jobId } = (await coreCall(session, 'tasks.run', { serverId: SERVER, name: slow })) as { jobId: string }
      const records = () => (fs.existsSync(`${tasksDir()}/${slow}/runs`) ? fs.readdirSync(`${tasksDir()}/${slow}/runs`).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(fs.readFileSync(`${tasksDir()}/${slow}/runs/${f}`, 'utf8')) as { run: string; status: string; startedAt: string; skippedFor?: string }) : [])
      await expect.poll(() => records().map((r) => r.status), { timeout: 120_000 }).toEqual(['running'])
      const [going] = records()
      // Run ids sort by their start second: the refused run starts in a later one, so it shows as the last run.
      await expect.poll(() => Date.now() > Date.parse(going.startedAt) + 1000).toBe(true)
      // Added beside the window: a reload reads the list again.
      await page.reload()
      await page.locator('[data-testid="tasks-list"][data-loaded="true"]').waitFor({ timeout: 60_000 })
      await page.getByTestId(`task-run-${slow}`).click()
      await expect.poll(() => page.getByTestId(`task-live-${slow}`).textContent(), { timeout: 60_000 }).toContain(`is still running (run ${going.run})`)
      expect(records().find((r) => r.status === 'skipped')).toMatchObject({ skippedFor: going.run })
      await expect.poll(() => page.getByTestId(`task-status-${slow}`).textContent(), { timeout: 60_000 }).toContain(`Skipped: run ${going.run} was still going`)
      await page.getByTestId(`task-history-${slow}`).click()
      await page.getByTestId('task-history-dialog').waitFor()
      await expect.poll(() => page.getByTestId('task-history-dialog').textContent(), { timeout: 60_000 }).toContain(`Skipped: run ${going.run} was still going`)
      await page.keyboard.press('Escape')
      await coreCall(session, 'jobs.cancel', { id: jobId })
      await expect.poll(() => records().find((r) => r.run === going.run)?.status, { timeout: 60_000 }).toBe('failed')
    } finally {
      await coreCall(session, 'tasks.remove', { serverId: SERVER, name: slow, deleteHistory: true }).catch(() => undefined)
    }
  })

  it('removes it after the confirmation, keeping the history unless ticked', async () => {
    await page.getByTestId(`task-remove-${TASK}`).click()
    await page.getByTestId('task-remove-dialog').waitFor()
    await page.getByTestId('task-remove-cancel').click()
    await expect.poll(() => page.getByTestId('task-remove-dialog').count()).toBe(0)
    expect(crontab()).toContain(TASK)
    await page.getByTestId(`task-remove-${TASK}`).click()
    await page.getByTestId('task-remove-history').click()
    await page.getByTestId('task-remove-confirm').click()
    await expect.poll(() => page.getByTestId(`task-${TASK}`).count(), { timeout: 60_000 }).toBe(0)
    expect(crontab()).not.toContain(TASK)
    expect(fs.existsSync(`${tasksDir()}/${TASK}`)).toBe(false)
  })
})
