// What every schedule that runs on the server by itself shares (backups, tasks): the home folder Homeport
// keeps its files under there, the JSON file listing what is scheduled (on the server, so a second computer
// sees the same), the Docker socket a script reaches the engine by, the first lines of such a
// script, and the agent's systemd user timer or cron entry that runs it.

import { HomeportError } from '../../../shared/errors.js'
import { agentFor } from '../agent/agent-client.js'
import { quoteArg } from '../connection/quote.js'
import { withServerLock } from '../connection/server-lock.js'
import { readServerFile, writeServerFiles } from '../connection/sftp.js'
import type { SshSession } from '../connection/types.js'
import { serverUser } from '../connection/server-user.js'
import { discoverDockerEndpoint } from '../docker/socket-discovery.js'
import { onCalendar, type CronSchedule } from './schedule-cron.js'

export interface ScheduleInstalled {
  via: 'systemd' | 'cron'
  /** systemd only: false when the timer stops at logout because lingering could not be enabled. */
  lingering?: boolean
}

/** The SSH user's home folder on the server: read once per session (backups, tasks and deploy all need it). */
export async function homeFolder(session: SshSession): Promise<string> {
  return (await serverUser(session)).home
}

/** What is scheduled, as its JSON file on the server has it (`{ version: 1, [key]: [...] }`); no file is none. */
export async function readScheduledList<T>(session: SshSession, file: string, key: string, what: string): Promise<T[]> {
  const text = await readServerFile(session, file)
  if (!text) return []
  try {
    return (JSON.parse(text) as Record<string, T[] | undefined>)[key] ?? []
  } catch (err) {
    throw new HomeportError('INVALID_INPUT', `The ${what} on the server (${file}) is not valid JSON.`, { hint: 'Fix or remove that file on the server.', details: String(err) })
  }
}

/**
 * Reads the list, changes it and writes it back under the server's lock on it (`file.lock`): two changes at
 * once — two laptops adding a task each — would otherwise each write back what it read, losing the other's.
 */
export async function changeScheduledList<T>(session: SshSession, file: string, key: string, what: string, change: (items: T[]) => T[]): Promise<void> {
  await withServerLock(session, `${file}.lock`, `the ${what}`, async () => {
    const items = change(await readScheduledList<T>(session, file, key, what))
    await writeServerFiles(session, [{ path: file, content: `${JSON.stringify({ version: 1, [key]: items }, null, 2)}\n`, mode: 0o600 }])
  })
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
