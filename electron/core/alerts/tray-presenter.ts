// What the tray shows: the icon's level (the worst across servers), a tooltip, and a menu line per server
// with its quick actions. Pure, from the servers' connection states, their apps and the open alerts; muted
// alerts leave the icon alone (muting means "do not bother me about it").

import type { AlertDto, AlertPrefsDto, AlertSeverity, ConnectionState, TrayLevel, TrayServerDto, TrayStateDto } from '../../../shared/contract/index.js'
import { doNotDisturb, isMuted } from './notification-presenter.js'

export interface TrayServerInput {
  id: string
  name: string
  state: ConnectionState
  apps: { name: string; running: boolean }[]
}

const ORDER: TrayLevel[] = ['idle', 'ok', 'info', 'warning', 'critical']
const worse = (a: TrayLevel, b: TrayLevel): TrayLevel => (ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b)
const SEVERITY_ORDER: AlertSeverity[] = ['info', 'warning', 'critical']

const STATE_WORDS: Record<ConnectionState, string> = {
  ready: 'connected',
  connecting: 'connecting…',
  reconnecting: 'reconnecting…',
  offline: 'not connected',
}

/** Worst first, then newest first. */
function byConcern(a: AlertDto, b: AlertDto): number {
  return SEVERITY_ORDER.indexOf(b.severity) - SEVERITY_ORDER.indexOf(a.severity) || b.raisedAt.localeCompare(a.raisedAt)
}

function serverLine(server: TrayServerInput, alerts: AlertDto[]): TrayServerDto {
  const [top] = alerts
  let level: TrayLevel = server.state === 'ready' ? 'ok' : server.state === 'offline' ? 'idle' : 'info'
  if (top) level = worse(level, top.severity)
  const more = alerts.length > 1 ? ` (+${alerts.length - 1} more)` : ''
  return {
    id: server.id,
    name: server.name,
    state: server.state,
    level,
    label: top ? `${server.name} — ${top.title}${more}` : `${server.name} — ${STATE_WORDS[server.state]}`,
    openAlerts: alerts.length,
    connection: server.state === 'offline' ? 'connect' : 'disconnect',
    apps: [...server.apps].sort((a, b) => a.name.localeCompare(b.name)),
  }
}

export function trayState(servers: TrayServerInput[], openAlerts: AlertDto[], prefs: AlertPrefsDto, unread: number, now: number): TrayStateDto {
  const counted = openAlerts.filter((a) => a.state === 'open' && !a.muted && !isMuted(a, prefs, now)).sort(byConcern)
  const lines = servers.map((s) => serverLine(s, counted.filter((a) => a.serverId === s.id)))
  const known = new Set(servers.map((s) => s.id))
  // Alerts of no server in the list (a job run without one) still count for the icon.
  const loose = counted.filter((a) => !a.serverId || !known.has(a.serverId))
  let level: TrayLevel = 'idle'
  for (const line of lines) level = worse(level, line.level)
  for (const a of loose) level = worse(level, a.severity)
  const dnd = doNotDisturb(prefs, now)
  return { level, tooltip: tooltip(lines, counted) + (dnd ? ' (do not disturb)' : ''), unread, doNotDisturb: dnd, servers: lines }
}

function tooltip(lines: TrayServerDto[], counted: AlertDto[]): string {
  const [top] = counted
  if (top) return `Homeport — ${top.title}${counted.length > 1 ? ` and ${counted.length - 1} more` : ''}`
  if (lines.length === 0) return 'Homeport — no servers yet'
  const connected = lines.filter((l) => l.state === 'ready').length
  if (connected === 0) return 'Homeport — no server connected'
  const waiting = lines.filter((l) => l.state === 'connecting' || l.state === 'reconnecting').length
  const fine = `${connected} server${connected === 1 ? '' : 's'} fine`
  return `Homeport — ${fine}${waiting ? `, ${waiting} reconnecting` : ''}`
}
