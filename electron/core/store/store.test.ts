import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, DATABASE_FILE, type Db } from './database.js'
import { migrate, MIGRATIONS } from './migrations.js'
import { ServersRepo, type ServerRecord } from './servers-repo.js'
import { SettingsRepo } from './settings-repo.js'
import { AppRunsRepo } from './app-runs-repo.js'
import { resolveDataDir } from './data-dir.js'

let dir: string
let db: Db | undefined

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homeport-store-'))
})
afterEach(() => {
  db?.close()
  db = undefined
  fs.rmSync(dir, { recursive: true, force: true })
})

const server = (over: Partial<ServerRecord> = {}): ServerRecord => ({
  id: 'srv-1',
  name: 'nas',
  host: '192.168.1.10',
  port: 22,
  user: 'admin',
  authMethod: 'key',
  identityFile: '/home/me/.ssh/id_ed25519',
  hasSecret: true,
  createdAt: '2025-01-01T00:00:00.000Z',
  ...over,
})

describe('migrations', () => {
  it('migrates an empty database to the latest version in WAL mode', () => {
    db = openDatabase(dir)
    expect(fs.existsSync(path.join(dir, DATABASE_FILE))).toBe(true)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    const latest = MIGRATIONS[MIGRATIONS.length - 1].version
    expect(db.pragma('user_version', { simple: true })).toBe(latest)
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all()
    expect(versions).toEqual(MIGRATIONS.map((m) => m.version))
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()
    expect(tables).toEqual(expect.arrayContaining(['servers', 'host_keys', 'settings', 'schema_migrations']))
  })

  it('re-opening applies nothing and keeps the data', () => {
    db = openDatabase(dir)
    new ServersRepo(db).insert(server())
    db.close()
    db = openDatabase(dir)
    expect(migrate(db)).toEqual([])
    expect(new ServersRepo(db).byName('nas')?.host).toBe('192.168.1.10')
    expect(db.prepare('SELECT COUNT(*) FROM schema_migrations').pluck().get()).toBe(MIGRATIONS.length)
  })

  it('rolls back a failing migration completely', () => {
    db = new Database(path.join(dir, 'x.db'))
    const broken = [...MIGRATIONS, { version: 99, name: 'broken', sql: 'CREATE TABLE half (a); SELECT * FROM no_such_table;' }]
    expect(() => migrate(db!, broken)).toThrow(/no_such_table/)
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()
    expect(tables).not.toContain('half')
    expect(db.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get()).toBe(MIGRATIONS[MIGRATIONS.length - 1].version)
  })

  it('has no column that could hold a secret', () => {
    db = openDatabase(dir)
    const columns = db
      .prepare("SELECT p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'")
      .pluck()
      .all() as string[]
    expect(columns.filter((c) => /pass|secret_value|password|token/i.test(c))).toEqual([])
  })
})

describe('ServersRepo', () => {
  it('stores, finds by id and name, and rejects a duplicate name', () => {
    db = openDatabase(dir)
    const repo = new ServersRepo(db)
    repo.insert(server(), { algorithm: 'ssh-ed25519', fingerprint: 'SHA256:abc' })
    expect(repo.byId('srv-1')).toEqual(server())
    expect(repo.byName('nas')?.id).toBe('srv-1')
    expect(repo.hostKey('srv-1')).toMatchObject({ algorithm: 'ssh-ed25519', fingerprint: 'SHA256:abc' })
    expect(() => repo.insert(server({ id: 'srv-2' }))).toThrow(/UNIQUE/)
    expect(repo.list()).toHaveLength(1)
  })

  it('replaces a pinned key and drops it with the server', () => {
    db = openDatabase(dir)
    const repo = new ServersRepo(db)
    repo.insert(server({ identityFile: undefined, authMethod: 'agent', hasSecret: false }))
    expect(repo.hostKey('srv-1')).toBeUndefined()
    repo.pinHostKey('srv-1', 'ssh-ed25519', 'SHA256:one')
    repo.pinHostKey('srv-1', 'ecdsa-sha2-nistp256', 'SHA256:two')
    expect(repo.hostKey('srv-1')).toMatchObject({ algorithm: 'ecdsa-sha2-nistp256', fingerprint: 'SHA256:two' })
    expect(repo.delete('srv-1')).toBe(true)
    expect(repo.hostKey('srv-1')).toBeUndefined()
    expect(db.prepare('SELECT COUNT(*) FROM host_keys').pluck().get()).toBe(0)
    expect(repo.delete('srv-1')).toBe(false)
  })
})

describe('SettingsRepo', () => {
  it('round-trips JSON values and deletes on undefined', () => {
    db = openDatabase(dir)
    const settings = new SettingsRepo(db)
    settings.set('theme', 'dark')
    settings.set('window', { width: 1200, height: 800, maximized: false })
    expect(settings.get('theme')).toBe('dark')
    expect(settings.get('window')).toEqual({ width: 1200, height: 800, maximized: false })
    settings.set('theme', 'light')
    expect(settings.all()).toEqual({ theme: 'light', window: { width: 1200, height: 800, maximized: false } })
    settings.set('theme', undefined)
    expect(settings.get('theme')).toBeUndefined()
  })
})

describe('resolveDataDir', () => {
  it('prefers HOMEPORT_HOME, else the platform app-data folder', () => {
    expect(resolveDataDir({ HOMEPORT_HOME: '/tmp/hp' }, 'linux', '/home/u')).toBe('/tmp/hp')
    expect(resolveDataDir({}, 'linux', '/home/u')).toBe('/home/u/.config/Homeport')
    expect(resolveDataDir({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Application Support/Homeport')
    expect(resolveDataDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32', 'C:\\Users\\u')).toMatch(/Roaming[\\/]Homeport$/)
  })
})

describe('the database file', () => {
  it('is readable by its owner only (0600), with its WAL files, also when an earlier version made it 0644', () => {
    db = openDatabase(dir)
    new SettingsRepo(db).set('k', 1)
    const mode = (f: string) => (fs.statSync(path.join(dir, f)).mode & 0o777).toString(8)
    expect([DATABASE_FILE, `${DATABASE_FILE}-wal`, `${DATABASE_FILE}-shm`].map(mode)).toEqual(['600', '600', '600'])
    db.close()
    fs.chmodSync(path.join(dir, DATABASE_FILE), 0o644)
    db = openDatabase(dir)
    expect(mode(DATABASE_FILE)).toBe('600')
  })
})

describe('app runs', () => {
  it('keeps the unfinished runs of a server until they are deleted', () => {
    db = openDatabase(dir)
    const runs = new AppRunsRepo(db)
    runs.save({ runId: 'r1', serverId: 's1', app: 'blog', state: 'applying', journal: '{}', startedAt: '2025-01-01T00:00:00.000Z' })
    runs.save({ runId: 'r1', serverId: 's1', app: 'blog', state: 'rolling-back', journal: '{"steps":[]}', startedAt: '2025-01-01T00:00:00.000Z' })
    runs.save({ runId: 'r2', serverId: 's2', app: 'wiki', state: 'applying', journal: '{}', startedAt: '2025-01-01T00:00:00.000Z' })
    expect(runs.unfinished('s1').map((r) => [r.runId, r.state, r.journal])).toEqual([['r1', 'rolling-back', '{"steps":[]}']])
    runs.delete('r1')
    expect(runs.unfinished('s1')).toEqual([])
  })
})
