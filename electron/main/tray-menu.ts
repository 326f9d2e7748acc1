// The tray menu as plain data, built from the core's `tray.state`: one entry per server (its line, then
// open / connect or disconnect / its apps), the unread count and do-not-disturb. Pure: tray.ts only turns it
// into Electron menu items and runs the actions.

import type { TrayLevel, TrayStateDto } from '../../shared/contract/index.js'

export type TrayAction =
  | { do: 'show' }
  | { do: 'quit' }
  | { do: 'open'; route: string }
  | { do: 'connect'; serverId: string }
  | { do: 'disconnect'; serverId: string }

export type TrayItem =
  | { kind: 'separator' }
  | { kind: 'label'; label: string }
  | { kind: 'action'; label: string; action: TrayAction }
  | { kind: 'submenu'; label: string; items: TrayItem[] }

const separator: TrayItem = { kind: 'separator' }

/** The tray image for a level: the plain icon while all is well, an amber or a red dot when not. */
export function trayIconFile(level: TrayLevel): string {
  return level === 'critical' ? 'tray-error.png' : level === 'warning' ? 'tray-warning.png' : 'tray.png'
}

/** Text beside the icon where the platform shows one (macOS), for those who cannot tell the dots' colours apart. */
export function trayTitle(level: TrayLevel): string {
  return level === 'critical' ? '!!' : level === 'warning' ? '!' : ''
}

export function trayMenu(state: TrayStateDto): TrayItem[] {
  const servers: TrayItem[] = state.servers.map((s) => {
    const page = `/servers/${encodeURIComponent(s.id)}`
    const apps: TrayItem[] = s.apps.map((a) => ({
      kind: 'action',
      label: `${a.name}${a.running ? '' : ' (stopped)'}`,
      action: { do: 'open', route: `${page}/apps/${encodeURIComponent(a.name)}` },
    }))
    return {
      kind: 'submenu',
      label: s.label,
      items: [
        { kind: 'action', label: `Open ${s.name}`, action: { do: 'open', route: page } },
        s.connection === 'connect'
          ? { kind: 'action', label: 'Connect', action: { do: 'connect', serverId: s.id } }
          : { kind: 'action', label: 'Disconnect', action: { do: 'disconnect', serverId: s.id } },
        ...(apps.length ? [separator, ...apps] : []),
      ],
    }
  })
  const status: TrayItem[] = [
    ...(state.unread ? [{ kind: 'action', label: `${state.unread} unread alert${state.unread === 1 ? '' : 's'}`, action: { do: 'show' } } as TrayItem] : []),
    ...(state.doNotDisturb ? [{ kind: 'label', label: 'Do not disturb is on' } as TrayItem] : []),
  ]
  return [
    { kind: 'action', label: 'Show Homeport', action: { do: 'show' } },
    ...(servers.length ? [separator, ...servers] : []),
    ...(status.length ? [separator, ...status] : []),
    separator,
    { kind: 'action', label: 'Quit', action: { do: 'quit' } },
  ]
}
