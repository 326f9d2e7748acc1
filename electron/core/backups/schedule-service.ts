// Schedules that run without this computer: the script (schedule-script.ts) is written on the server with
// the repository's secrets in 0600 files beside it — only with the person's consent — and the agent
// installs one systemd user timer or cron entry per kind of run. What is scheduled is kept on the server
// (schedules.json next to config.json) so a second computer sees it; each run appends to runs.jsonl.

import { posix } from 'node:path'
import type { ScheduleDto, ScheduledRunDto } from '../../../shared/contract/backups.js'
import { HomeportError } from '../../../shared/errors.js'
import { readServerFile, removeServerFile, writeServerFiles } from '../connection/sftp.js'
import type { SshSession } from '../connection/types.js'
import { readHooks } from './app-hooks.js'
import { appSources, backupMounts, bindPath, volumePath } from './app-sources.js'
import { findRepository, readBackupConfig } from './backup-config.js'
import { backupArgs, policyFor } from './backup-run.js'
import { repositoryAccess } from './repository-access.js'
import { resticRunFor, type BackupServer } from './restic-call.js'
import { APP_LABEL } from './restic-container.js'
import { forgetArgs } from './retention.js'
import { parseCron } from '../schedules/schedule-cron.js'
import { homeFolder, installSchedule, readScheduledList, removeScheduleEntry, scheduleDockerSocket, changeScheduledList, type ScheduleInstalled } from '../schedules/server-schedule.js'
import { scheduleScript } from './schedule-script.js'
import { APP_TAG, SNAPSHOT_HOST } from './snapshots.js'

export const RUN_KINDS = ['backup', 'check', 'drill'] as const
/** How much of the data `check` reads back each time. */
export const CHECK_SUBSET = '5%'

export interface ScheduleRequest {
  backup: string
  check?: string
  drill?: string
  storeSecretsOnServer: boolean
}

interface Paths {
  root: string
  schedules: string
  log: string
  script(app: string): string
  secrets(repository: string): string
}

async function paths(session: SshSession): Promise<Paths> {
  const root = posix.join(await homeFolder(session), '.local/share/homeport/backups')
  return {
    root,
    schedules: posix.join(root, 'schedules.json'),
    log: posix.join(root, 'runs.jsonl'),
    script: (app) => posix.join(root, 'schedules', `${app}.sh`),
    secrets: (repository) => posix.join(root, 'secrets', repository),
  }
}

async function readSchedules(session: SshSession, p: Paths): Promise<ScheduleDto[]> {
  return readScheduledList(session, p.schedules, 'schedules', 'backup schedule list')
}

async function changeSchedules(session: SshSession, p: Paths, change: (schedules: ScheduleDto[]) => ScheduleDto[]): Promise<void> {
  await changeScheduledList(session, p.schedules, 'schedules', 'backup schedule list', change)
}

function timerName(app: string, kind: string): string {
  return `backup-${app}-${kind}`
}

export async function getSchedule(session: SshSession, app: string): Promise<ScheduleDto | null> {
  return (await readSchedules(session, await paths(session))).find((s) => s.app === app) ?? null
}

export async function listSchedules(session: SshSession): Promise<ScheduleDto[]> {
  return readSchedules(session, await paths(session))
}

export async function setSchedule(srv: BackupServer, session: SshSession, app: string, req: ScheduleRequest): Promise<ScheduleDto> {
  if (!req.storeSecretsOnServer) {
    throw new HomeportError('INVALID_INPUT', `A schedule of "${app}" runs while this computer is off, so the repository's password must be stored on ${srv.server} (a file only your user there can read).`, {
      hint: 'Tick "Store the repository password on the server" to allow it.',
      cliHint: 'Answer yes when asked, or pass --store-password-on-server.',
    })
  }
  const when = { backup: parseCron(req.backup), ...(req.check ? { check: parseCron(req.check) } : {}), ...(req.drill ? { drill: parseCron(req.drill) } : {}) }
  const config = await readBackupConfig(session)
  const policy = policyFor(config.policies, app, srv.server)
  const repo = findRepository(config, policy.repository, srv.server)
  const sources = await appSources(srv.docker, session, srv.server, app)
  const hooks = policy.consistency === 'hooks' ? await readHooks(session, sources.composeFiles[0]) : {}
  const dockerSocket = await scheduleDockerSocket(session, srv.server)
  const p = await paths(session)
  const labels = { [APP_LABEL]: app, 'io.homeport.backup.scheduled': 'true' }
  const roots = [...sources.volumes.map(volumePath), ...sources.binds.map(bindPath)]
  const scratch = roots.map((_, i) => `homeport-drill-${app}-${i}`)
  const planned = async (args: string[], role: string, mounts = backupMounts(sources)) => {
    const { docker: _docker, secrets: _secrets, ...run } = await resticRunFor(srv, repo, args, { what: role, role, mounts, labels })
    return run
  }
  const forget = forgetArgs(app, policy.retention)
  const script = scheduleScript({
    app,
    dockerSocket,
    logPath: p.log,
    secretsDir: p.secrets(repo.name),
    backup: { consistency: policy.consistency, ...hooks, snapshot: await planned(backupArgs(sources), 'backup'), ...(forget.length ? { forget: await planned(forget, 'forget', []) } : {}) },
    check: await planned(['check', '--read-data-subset', CHECK_SUBSET], 'check', []),
    drill: {
      scratchVolumes: scratch,
      restore: await planned(
        ['restore', 'latest', '--host', SNAPSHOT_HOST, '--tag', `${APP_TAG}=${app}`, '--target', '/', '--verify'],
        'drill',
        roots.map((root, i) => ({ type: 'volume' as const, source: scratch[i], target: root, readOnly: false })),
      ),
    },
  })
  const secrets = (await repositoryAccess(repo, srv.serverId, srv.secrets)).secrets
  const mk = await session.exec(['mkdir', '-p', '-m', '700', '--', p.secrets(repo.name), posix.dirname(p.script(app))])
  if (mk.code !== 0) throw new HomeportError('PERMISSION_DENIED', `Could not create ${p.root} on ${srv.server}.`, { details: mk.stderr })
  await writeServerFiles(session, [
    ...Object.entries(secrets).map(([name, content]) => ({ path: posix.join(p.secrets(repo.name), name), content, mode: 0o600 })),
    { path: p.script(app), content: script, mode: 0o700 },
  ])
  let installed: ScheduleInstalled = { via: 'cron' }
  for (const kind of RUN_KINDS) {
    const cron = when[kind as keyof typeof when]
    if (cron) installed = await installSchedule(session, timerName(app, kind), cron, p.script(app), kind)
    else await removeScheduleEntry(session, timerName(app, kind))
  }
  const schedule: ScheduleDto = {
    app,
    backup: when.backup.expression,
    ...(when.check ? { check: when.check.expression } : {}),
    ...(when.drill ? { drill: when.drill.expression } : {}),
    via: installed.via,
    ...(installed.lingering !== undefined ? { lingering: installed.lingering } : {}),
    createdAt: new Date().toISOString(),
  }
  await changeSchedules(session, p, (schedules) => [...schedules.filter((s) => s.app !== app), schedule].sort((a, b) => a.app.localeCompare(b.app)))
  return schedule
}

export async function removeSchedule(session: SshSession, app: string): Promise<void> {
  const p = await paths(session)
  for (const kind of RUN_KINDS) await removeScheduleEntry(session, timerName(app, kind))
  await removeServerFile(session, p.script(app)).catch(() => {})
  let rest: ScheduleDto[] = []
  await changeSchedules(session, p, (schedules) => (rest = schedules.filter((s) => s.app !== app)))
  // The stored secrets go once no schedule needs their repository any more.
  const config = await readBackupConfig(session)
  const needed = new Set(rest.map((s) => config.policies.find((x) => x.app === s.app)?.repository))
  const stored = (await session.exec(['sh', '-c', 'ls -1 -- "$1" 2>/dev/null; true', 'sh', posix.join(p.root, 'secrets')])).stdout.split('\n').filter(Boolean)
  const unused = stored.filter((r) => !needed.has(r)).map((r) => p.secrets(r))
  if (unused.length) await session.exec(['rm', '-rf', '--', ...unused])
}

/** The run log, oldest first; a line that is not a run (a torn write) is skipped. */
export async function readRunLog(session: SshSession): Promise<ScheduledRunDto[]> {
  const text = await readServerFile(session, (await paths(session)).log)
  const runs: ScheduledRunDto[] = []
  for (const line of (text ?? '').split('\n')) {
    if (!line.trim()) continue
    try {
      const r = JSON.parse(line) as ScheduledRunDto
      if (typeof r.app === 'string' && RUN_KINDS.includes(r.kind) && ['started', 'ok', 'failed'].includes(r.status) && typeof r.time === 'string') runs.push(r)
    } catch {
      // skipped
    }
  }
  return runs
}
