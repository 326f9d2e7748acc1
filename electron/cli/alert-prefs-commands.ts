// `homeport mute SERVER [APP]`, `homeport unmute SERVER [APP]` and `homeport dnd [on|off]`: the same mutes and
// do-not-disturb as the window's notification centre, kept by the core, so the tray and OS notifications of a
// running Homeport honour them at once.

import { InvalidArgumentError, type Command } from 'commander'
import type { AlertPrefsDto, MuteDto } from '../../shared/contract/index.js'
import type { CliCore } from './cli-core.js'
import { writeJson } from './output.js'
import type { WithCore } from './server-commands.js'

const MAX_MINUTES = 525_600

export function parseMinutes(value: string): number {
  const n = Number(value)
  if (!/^\d+$/.test(value) || n < 1 || n > MAX_MINUTES) throw new InvalidArgumentError(`must be a whole number of minutes from 1 to ${MAX_MINUTES} (a year).`)
  return n
}

/** "until turned off" (stored as year 9999, or no end at all) or "until 2026-05-01 14:05". */
export function untilWords(until: string | undefined): string {
  if (!until || until.startsWith('9999')) return 'until turned off'
  const at = new Date(until)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `until ${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(at.getHours())}:${pad(at.getMinutes())}`
}

function muteWords(m: MuteDto, name: (id: string) => string): string {
  return `${m.app ? `${m.app} on ${name(m.serverId)}` : name(m.serverId)} ${untilWords(m.until)}`
}

/** The preferences as lines: do-not-disturb, then every mute. */
export function prefsText(prefs: AlertPrefsDto, name: (id: string) => string): string {
  const dnd = prefs.doNotDisturbUntil ? `Do not disturb is on ${untilWords(prefs.doNotDisturbUntil)}.` : 'Do not disturb is off.'
  const mutes = prefs.mutes.length ? prefs.mutes.map((m) => `Muted: ${muteWords(m, name)}.`) : ['Nothing is muted.']
  return [dnd, ...mutes].join('\n') + '\n'
}

async function serverNames(core: CliCore): Promise<(id: string) => string> {
  const names = new Map((await core.call('servers.list', {})).map((s) => [s.id, s.name]))
  return (id) => names.get(id) ?? id
}

async function show(core: CliCore, prefs: AlertPrefsDto, json: boolean): Promise<void> {
  if (json) return writeJson(prefs)
  process.stdout.write(prefsText(prefs, await serverNames(core)))
}

export function registerAlertPrefsCommands(program: Command, withCore: WithCore, json: () => boolean): void {
  program
    .command('mute')
    .description('keep the alerts of a server, or of one app on it, out of notifications, the tray and the unread count')
    .argument('<server>', 'server name')
    .argument('[app]', 'only this app')
    .option('--minutes <n>', 'for this long (default: until unmuted)', parseMinutes)
    .option('--json', 'print the mutes and do-not-disturb as JSON')
    .action(async (server: string, app: string | undefined, opts: { minutes?: number }) => {
      await withCore(async (core) => {
        const prefs = await core.call('alerts.mute', { serverId: server, ...(app ? { app } : {}), ...(opts.minutes ? { minutes: opts.minutes } : {}) })
        await show(core, prefs, json())
      })
    })

  program
    .command('unmute')
    .description('let the alerts of a server, or of one app on it, through again')
    .argument('<server>', 'server name')
    .argument('[app]', 'only this app')
    .option('--json', 'print the mutes and do-not-disturb as JSON')
    .action(async (server: string, app: string | undefined) => {
      await withCore(async (core) => show(core, await core.call('alerts.unmute', { serverId: server, ...(app ? { app } : {}) }), json()))
    })

  program
    .command('dnd')
    .description('do-not-disturb: alerts are kept and counted, but no OS notification is shown; without on/off, what is set')
    .argument('[state]', 'on or off')
    .option('--minutes <n>', 'with on: for this long (default: until turned off)', parseMinutes)
    .option('--json', 'print the mutes and do-not-disturb as JSON')
    .action(async (state: string | undefined, opts: { minutes?: number }) => {
      if (state !== undefined && state !== 'on' && state !== 'off') throw new InvalidArgumentError(`"${state}" is neither on nor off.`)
      if (opts.minutes && state !== 'on') throw new InvalidArgumentError('--minutes goes with `dnd on`.')
      await withCore(async (core) => {
        const prefs = state === undefined ? await core.call('alerts.prefs', {}) : await core.call('alerts.doNotDisturb', { on: state === 'on', ...(opts.minutes ? { minutes: opts.minutes } : {}) })
        await show(core, prefs, json())
      })
    })
}
