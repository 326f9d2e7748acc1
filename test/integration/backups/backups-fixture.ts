// A backed-up app for the backup tests: a compose app (busybox from the test registry) with a named volume
// and a bind-mounted folder in its app folder, filled with known files and a SQLite database; the test
// restic image set as the core's restic image; and what a test checks on the server (sha256 of every file,
// the database's integrity, restic containers left behind).

import { execFileSync, spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { expect } from 'vitest'
import type { JobDto } from '../../../shared/contract/index.js'
import { docker } from '../../homeserver/helpers.js'
import type { HomeServerInfo } from '../../homeserver/types.js'
import { homeServerInput, openTestCore, type TestCore } from '../core/test-core.js'
import { resticTestImage } from './restic-image.js'

export const SERVER = 'home'

export interface BackupApp {
  t: TestCore
  app: string
  volume: string
  /** The bind-mounted folder on the server. */
  bind: string
  appDir: string
  /** This test file's scratch folder on the server (removed at the end). */
  scratch: string
}

export function compose(image: string): string {
  return [
    'services:',
    '  app:',
    `    image: ${image}`,
    `    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]`,
    '    volumes:',
    '      - data:/data',
    '      - ./files:/files',
    'volumes:',
    '  data: {}',
    '',
  ].join('\n')
}

/** An app that serves its volume over HTTP (busybox httpd) on a published host port. */
export function webCompose(image: string, port: number): string {
  return ['services:', '  web:', `    image: ${image}`, '    command: ["httpd", "-f", "-p", "80", "-h", "/data"]', '    ports:', `      - "${port}:80"`, '    volumes:', '      - data:/data', 'volumes:', '  data: {}', ''].join('\n')
}

export async function finished(t: TestCore, started: Promise<{ jobId: string }>): Promise<JobDto> {
  return t.finishedJob((await started).jobId)
}

/** Runs a shell line in a throwaway container with the app's volume at /data. */
export function inVolume(hs: HomeServerInfo, volume: string, script: string): Promise<string> {
  return docker(['run', '--rm', '--network', 'none', '-v', `${volume}:/data`, hs.images[0], 'sh', '-c', script])
}

/** A SQLite database with a few thousand rows, made here and copied into the volume. */
async function putDatabase(hs: HomeServerInfo, volume: string): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hpbk-db-'))
  try {
    const db = new Database(path.join(dir, 'app.db'))
    db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)')
    const insert = db.prepare('INSERT INTO notes (body) VALUES (?)')
    db.transaction(() => {
      for (let i = 0; i < 5000; i++) insert.run(randomBytes(40).toString('hex'))
    })()
    db.close()
    const id = (await docker(['create', '-v', `${volume}:/data`, hs.images[0], 'true'])).trim()
    try {
      await docker(['cp', path.join(dir, 'app.db'), `${id}:/data/app.db`])
    } finally {
      await docker(['rm', '-f', id])
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** `sampling`: the core watches connected servers as the window does (alerts from scheduled runs on connect). */
export async function openBackupApp(hs: HomeServerInfo, prefix: string, opts: { sampling?: boolean } = {}): Promise<BackupApp> {
  const app = `${prefix}-${randomBytes(3).toString('hex')}`
  const t = await openTestCore({ keychain: true, sampling: opts.sampling ?? false })
  await t.call('servers.add', homeServerInput(hs, SERVER))
  await t.call('settings.set', { key: 'backups.resticImage', value: await resticTestImage(hs) })
  const job = await finished(t, t.call('apps.install', { serverId: SERVER, source: { compose: compose(hs.images[0]) }, name: app }))
  expect(job.error, JSON.stringify(job.error)).toBeUndefined()
  const appDir = `/home/${hs.user}/.local/share/homeport/apps/${app}`
  const volume = `${app}_data`
  await inVolume(hs, volume, 'mkdir -p /data/docs/deep && echo "hello" > /data/notes.txt && head -c 300000 /dev/urandom > /data/docs/blob.bin && printf "x y\\n" > "/data/docs/deep/odd name $(echo 1).txt"')
  await putDatabase(hs, volume)
  fs.writeFileSync(path.join(appDir, 'files', 'settings.yml'), 'theme: dark\n')
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`))
  return { t, app, volume, bind: path.join(appDir, 'files'), appDir, scratch }
}

export async function closeBackupApp(b: BackupApp | undefined): Promise<void> {
  if (!b) return
  await b.t.call('apps.remove', { serverId: SERVER, app: b.app, volumes: true, confirm: b.app }).catch(() => {})
  await b.t.close()
  fs.rmSync(b.scratch, { recursive: true, force: true })
}

/** sha256 of every file in the volume and the bind folder, by path. */
export async function checksums(hs: HomeServerInfo, b: BackupApp): Promise<Record<string, string>> {
  const out = await inVolume(hs, b.volume, 'cd /data && find . -type f -exec sha256sum {} +')
  const sums: Record<string, string> = {}
  for (const line of out.trim().split('\n').filter(Boolean)) {
    const [sum, ...name] = line.split('  ')
    sums[`volume:${name.join('  ')}`] = sum
  }
  for (const name of fs.readdirSync(b.bind, { recursive: true }) as string[]) {
    const file = path.join(b.bind, name)
    if (fs.statSync(file).isFile()) sums[`bind:${name}`] = createHash('sha256').update(fs.readFileSync(file)).digest('hex')
  }
  return sums
}

/** `PRAGMA integrity_check` of the volume's database, copied out of it. */
export async function integrity(hs: HomeServerInfo, b: BackupApp): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hpbk-check-'))
  try {
    const id = (await docker(['create', '-v', `${b.volume}:/data`, hs.images[0], 'true'])).trim()
    try {
      await docker(['cp', `${id}:/data/app.db`, path.join(dir, 'app.db')])
    } finally {
      await docker(['rm', '-f', id])
    }
    const db = new Database(path.join(dir, 'app.db'), { readonly: true })
    try {
      return (db.pragma('integrity_check', { simple: true }) as string) + `/${(db.prepare('SELECT count(*) AS n FROM notes').get() as { n: number }).n}`
    } finally {
      db.close()
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** restic containers of this test file's app and repositories (named after it) still on the server. */
export async function resticContainersLeft(b: BackupApp): Promise<string> {
  const out = await docker(['ps', '-a', '--filter', 'label=io.homeport.backup', '--format', '{{.Names}} {{.Status}} {{.Label "io.homeport.backup.app"}} {{.Label "io.homeport.backup.repository"}}'])
  return out.split('\n').filter((l) => l.includes(b.app)).join('\n')
}

function succeeds(argv: string[]): boolean {
  try {
    execFileSync(argv[0], argv.slice(1), { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/**
 * Debian's cron, installed and started when none runs: the test home server's user has no systemd user
 * manager (this machine's PID 1 is not systemd), so schedules take the agent's cron path. The returned stop
 * ends only a cron started here.
 */
export function startServerCron(): { stop(): void } {
  if (!succeeds(['sh', '-c', 'command -v cron'])) execFileSync('apt-get', ['install', '-y', '-q', 'cron'], { stdio: 'ignore' })
  const cron = succeeds(['pgrep', '-x', 'cron']) ? undefined : spawn('cron', ['-f'], { stdio: 'ignore' })
  return { stop: () => void cron?.kill() }
}

/** The test user's crontab on the server (empty when it has none). */
export function userCrontab(hs: HomeServerInfo): string {
  try {
    return execFileSync('su', ['-s', '/bin/sh', '-c', 'crontab -l', hs.user], { encoding: 'utf8' })
  } catch {
    return ''
  }
}

export function chownToTestUser(hs: HomeServerInfo, dir: string): void {
  execFileSync('chown', [`${hs.user}:`, dir])
}
