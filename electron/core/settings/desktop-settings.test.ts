import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { DesktopSettingsDto } from '../../../shared/contract/index.js'
import { openDatabase, type Db } from '../store/database.js'
import { SettingsRepo } from '../store/settings-repo.js'
import { DesktopSettings } from './desktop-settings.js'

let dir: string
let db: Db
let announced: DesktopSettingsDto[]
const events = { emit: (_event: string, payload: unknown) => void announced.push(payload as DesktopSettingsDto) }

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homeport-desktop-'))
  db = openDatabase(dir)
  announced = []
})
afterEach(() => {
  db.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('desktop settings', () => {
  it('start at login is off until turned on, kept in the database and announced on every change', () => {
    const desktop = new DesktopSettings(new SettingsRepo(db), events)
    expect(desktop.get()).toEqual({ startAtLogin: false })
    expect(desktop.configure({ startAtLogin: true })).toEqual({ startAtLogin: true })
    expect(announced).toEqual([{ startAtLogin: true }])
    // Another front end (a new core on the same data dir) reads what was stored.
    expect(new DesktopSettings(new SettingsRepo(db), events).get()).toEqual({ startAtLogin: true })
    desktop.configure({})
    expect(desktop.get()).toEqual({ startAtLogin: true })
    desktop.configure({ startAtLogin: false })
    expect(announced.at(-1)).toEqual({ startAtLogin: false })
  })

  it('reads a damaged stored value as the default', () => {
    const repo = new SettingsRepo(db)
    repo.set('desktop', { startAtLogin: 'yes' })
    expect(new DesktopSettings(repo, events).get()).toEqual({ startAtLogin: false })
  })
})
