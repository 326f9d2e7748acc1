// Set-up step for schedules (backups, tasks): on a systemd server they are user timers, which systemd stops
// when the user's last session ends unless the user "lingers". Enabling that needs root, so set-up does it
// while it has sudo; the agent alone can only try passwordless sudo. Cron (no systemd) needs nothing.
// The user's manager keeps the groups it started with: one started by a login before the user joined the
// Docker socket's group would run every timer without it (permission denied), so it is restarted.

import { HomeportError } from '../../../shared/errors.js'
import { nothingToRun, type ProvisionContext, type ProvisionStep } from './provision-context.js'
import { shownCommand } from './sudo-runner.js'

/** systemd's record that a user lingers: a file named after the user (what `loginctl enable-linger` writes). */
function lingerFile(user: string): string {
  return `/var/lib/systemd/linger/${user}`
}

async function lingers(ctx: ProvisionContext, user: string): Promise<boolean> {
  const res = await (await ctx.session()).exec(['test', '-e', lingerFile(user)])
  return res.code === 0
}

/** The user's running systemd manager lacks the group (none running is fine: the next one gets it). */
async function managerLacksGroup(ctx: ProvisionContext, group: string): Promise<boolean> {
  const script = [
    'pid=$(systemctl show -p MainPID --value "user@$(id -u).service" 2>/dev/null)',
    '[ "${pid:-0}" -gt 0 ] 2>/dev/null || exit 0',
    'gid=$(getent group "$1" | cut -d: -f3)',
    '[ -n "$gid" ] || exit 0',
    'awk -v g="$gid" \'/^Groups:/ { for (i = 2; i <= NF; i++) if ($i == g) found = 1 } END { exit !found }\' "/proc/$pid/status"',
  ].join('\n')
  const res = await (await ctx.session()).exec(['sh', '-c', script, 'homeport-linger', group])
  return res.code !== 0
}

interface LingerState {
  user: string
  lingering: boolean
  restartManager: boolean
}

/** `fresh`: the facts read again, as an earlier step (the group) or this one's apply may have changed them. */
async function lingerState(ctx: ProvisionContext, fresh: boolean): Promise<LingerState | undefined> {
  const hello = await ctx.hello(fresh)
  if (hello.init !== 'systemd') return undefined
  const user = hello.user.name
  return { user, lingering: await lingers(ctx, user), restartManager: await managerLacksGroup(ctx, hello.docker.socketGroup || 'docker') }
}

function commandsFor(state: LingerState, uid: number): string[][] {
  return [...(state.lingering ? [] : [['loginctl', 'enable-linger', state.user]]), ...(state.restartManager ? [['systemctl', 'restart', `user@${uid}.service`]] : [])]
}

export const lingerStep: ProvisionStep = {
  id: 'linger',
  title: 'Let schedules run while nobody is logged in',
  async check(ctx) {
    const hello = await ctx.hello()
    const state = await lingerState(ctx, false)
    if (!state) return nothingToRun('done', `No systemd here (${hello.init}): backups and tasks are scheduled with cron, which runs with nobody logged in.`)
    const commands = commandsFor(state, hello.user.uid)
    if (commands.length === 0) return nothingToRun('done', `${state.user}'s systemd timers run with nobody logged in (lingering is on) and can reach Docker.`)
    const why = [
      ...(state.lingering ? [] : [`${state.user}'s systemd timers (scheduled backups and tasks) would stop when the last SSH session ends; lingering keeps them running.`]),
      ...(state.restartManager ? [`${state.user}'s systemd manager started before ${state.user} could use Docker; it is restarted so its timers can.`] : []),
    ]
    return { status: 'todo', detail: why.join(' '), commands: commands.map((argv) => shownCommand(argv, true)), needsSudo: true }
  },
  async apply(ctx) {
    const state = await lingerState(ctx, true)
    if (!state) return
    for (const argv of commandsFor(state, (await ctx.hello()).user.uid)) await ctx.run(argv, { asRoot: true })
  },
  async verify(ctx) {
    const state = await lingerState(ctx, true)
    if (!state) return 'cron needs no lingering'
    if (!state.lingering) {
      throw new HomeportError('COMMAND_FAILED', `Lingering is still off for ${state.user}: ${lingerFile(state.user)} is missing.`, { hint: "Read the job log for loginctl's output." })
    }
    if (state.restartManager) throw new HomeportError('COMMAND_FAILED', `${state.user}'s systemd manager still runs without the Docker socket's group.`, { hint: 'Read the job log for systemctl\'s output.' })
    return `${state.user} lingers`
  },
}
