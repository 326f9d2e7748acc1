// What every schedule that runs on the server by itself shares (backups, tasks): the home folder Homeport
// keeps its files under there, the Docker socket a script reaches the engine by, the first lines of such a
// script, and the agent's systemd user timer or cron entry that runs it.

import { HomeportError } from '../../../shared/errors.js'
import { agentFor } from '../agent/agent-client.js'
import { quoteArg } from '../connection/quote.js'
import type { SshSession } from '../connection/types.js'
import { discoverDockerEndpoint } from '../docker/socket-discovery.js'
import { onCalendar, type CronSchedule } from './schedule-cron.js'

export interface ScheduleInstalled {
  via: 'systemd' | 'cron'
  /** systemd only: false when the timer stops at logout because lingering could not be enabled. */
  lingering?: boolean
}

/** The SSH user's home folder on the server. */
export async function homeFolder(session: SshSession): Promise<string> {
  const res = await session.exec(['sh', '-c', 'printf "%s" "$HOME"'])
  if (!res.stdout.startsWith('/')) throw new HomeportError('INTERNAL', 'Could not read the home folder of the SSH user on the server.', { details: res.stderr })
  return res.stdout
}

/** The Docker socket a scheduled script talks to (the one the core reaches through SSH). */
export async function scheduleDockerSocket(session: SshSession, serverName: string): Promise<string> {
  const endpoint = await discoverDockerEndpoint(session, serverName)
  if (!endpoint.socket) throw new HomeportError('DOCKER_ERROR', `Homeport found no Docker socket on ${serverName} that a scheduled run could use.`, { hint: 'Schedules need the Docker engine socket (e.g. /var/run/docker.sock) readable by your user.' })
  return endpoint.socket
}

/** The first lines of a script a timer runs: no unset variables, private files, a known PATH and Docker socket. */
export function scriptPreamble(dockerSocket: string): string[] {
  return ['set -u', 'umask 077', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', `DOCKER_HOST=${quoteArg(`unix://${dockerSocket}`)}`, 'export PATH DOCKER_HOST']
}

/** Runs `sh SCRIPT ARG` at the schedule's instants: a systemd user timer, or a cron entry without systemd. */
export async function installSchedule(session: SshSession, name: string, when: CronSchedule, script: string, arg: string): Promise<ScheduleInstalled> {
  return agentFor(session).scheduleSet(name, when.expression, onCalendar(when), script, arg)
}

export async function removeScheduleEntry(session: SshSession, name: string): Promise<void> {
  await agentFor(session).scheduleRemove(name)
}
