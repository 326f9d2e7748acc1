// `homeport backups schedule set|show|remove SERVER APP`: backups that run on the server's own timer (or
// cron), with the repository password stored there — asked for on a terminal, or given as a flag.

import type { Command } from 'commander'
import type { ScheduleDto, ScheduledRunDto } from '../../shared/contract/index.js'
import { HomeportError } from '../../shared/errors.js'
import { table, writeJson } from './output.js'
import type { WithCore } from './server-commands.js'
import { askLine, isInteractive } from './tty-prompter.js'

function scheduleLines(s: ScheduleDto): string {
  const runs = [`backup: ${s.backup}`, ...(s.check ? [`check: ${s.check}`] : []), ...(s.drill ? [`drill: ${s.drill}`] : [])].join('; ')
  const via = s.via === 'cron' ? 'a cron entry' : `a systemd user timer${s.lingering === false ? ' (runs only while you are logged in: lingering could not be enabled)' : ''}`
  return `${s.app}: ${runs} — by ${via} on the server\n`
}

function runRows(runs: ScheduledRunDto[]): string[][] {
  return runs.map((r) => [r.time.replace('T', ' ').slice(0, 19), r.kind, r.status, r.snapshotId ?? '', r.error ?? ''])
}

async function consent(flag: boolean | undefined): Promise<boolean> {
  if (flag) return true
  if (!isInteractive()) return false
  const answer = await askLine('A schedule runs while this computer is off, so the repository password is stored on the server (a file only your user there can read). Store it? [y/N] ')
  return /^y(es)?$/i.test(answer)
}

export function registerScheduleCommands(backups: Command, withCore: WithCore, json: () => boolean): void {
  const schedule = backups.command('schedule').description('backups that run on the server by themselves, while this computer is off')
  schedule
    .command('set')
    .description('schedule the backups of an app with a policy (cron times: "MIN HOUR DAY MONTH WEEKDAY", or hourly, daily, weekly, monthly)')
    .argument('<server>', 'server name')
    .argument('<app>', 'app name')
    .option('--backup <when>', 'when to back up', 'daily')
    .option('--check <when>', 'when to run `restic check --read-data-subset 5%`')
    .option('--drill <when>', 'when to run a restore drill')
    .option('--store-password-on-server', "allow the repository's password to be stored on the server (asked on a terminal otherwise)")
    .option('--json', 'print JSON')
    .action(async (server: string, app: string, opts: { backup: string; check?: string; drill?: string; storePasswordOnServer?: boolean }) => {
      const storeSecretsOnServer = await consent(opts.storePasswordOnServer)
      await withCore(async (core) => {
        const set = await core.call('backups.scheduleSet', { serverId: server, app, backup: opts.backup, ...(opts.check ? { check: opts.check } : {}), ...(opts.drill ? { drill: opts.drill } : {}), storeSecretsOnServer })
        if (json()) return writeJson(set)
        process.stdout.write(scheduleLines(set))
      }, { server })
    })
  schedule
    .command('show')
    .description("an app's schedule and its last scheduled runs")
    .argument('<server>', 'server name')
    .argument('<app>', 'app name')
    .option('--json', 'print JSON')
    .action(async (server: string, app: string) => {
      await withCore(async (core) => {
        const set = await core.call('backups.scheduleGet', { serverId: server, app })
        const runs = await core.call('backups.scheduledRuns', { serverId: server, app, limit: 20 })
        if (json()) return writeJson({ schedule: set, runs })
        if (!set) throw new HomeportError('NOT_FOUND', `"${app}" has no backup schedule on ${server}.`, { hint: 'Set one.', cliHint: 'Set one with `homeport backups schedule set SERVER APP --backup daily --store-password-on-server`.' })
        process.stdout.write(scheduleLines(set))
        if (runs.length) process.stdout.write(table(['TIME (UTC)', 'KIND', 'STATUS', 'SNAPSHOT', 'ERROR'], runRows(runs)))
      }, { server })
    })
  schedule
    .command('remove')
    .description("remove an app's schedule: its timers or cron entries, its script and the password stored for it")
    .argument('<server>', 'server name')
    .argument('<app>', 'app name')
    .option('--json', 'print JSON')
    .action(async (server: string, app: string) => {
      await withCore(async (core) => {
        await core.call('backups.scheduleRemove', { serverId: server, app })
        if (json()) return writeJson({ removed: app })
        process.stdout.write(`Removed the backup schedule of ${app} on ${server}.\n`)
      }, { server })
    })
}
