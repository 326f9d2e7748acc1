import { describe, expect, it } from 'vitest'
import type { TrayStateDto } from '../../shared/contract/index.js'
import { alertRoute, navigateScript } from '../../electron/main/alert-route.js'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { trayIconFile, trayMenu, trayTitle, type TrayItem } from '../../electron/main/tray-menu.js'

const state = (over: Partial<TrayStateDto> = {}): TrayStateDto => ({
  level: 'warning',
  tooltip: 'Homeport — disk / 93 % full',
  unread: 0,
  doNotDisturb: false,
  servers: [
    { id: 's1', name: 'nas', state: 'ready', level: 'warning', label: 'nas — disk / 93 % full', openAlerts: 1, connection: 'disconnect', apps: [{ name: 'jellyfin', running: true }, { name: 'immich', running: false }] },
    { id: 's2', name: 'pi', state: 'offline', level: 'idle', label: 'pi — not connected', openAlerts: 0, connection: 'connect', apps: [] },
  ],
  ...over,
})

const labels = (items: TrayItem[]) => items.map((i) => (i.kind === 'separator' ? '—' : i.label))

describe('the tray menu from tray.state', () => {
  it('lists every server with its line, open, connect or disconnect, and its apps', () => {
    const menu = trayMenu(state())
    expect(labels(menu)).toEqual(['Show Homeport', '—', 'nas — disk / 93 % full', 'pi — not connected', '—', 'Quit'])
    const nas = menu[2] as Extract<TrayItem, { kind: 'submenu' }>
    expect(labels(nas.items)).toEqual(['Open nas', 'Disconnect', '—', 'jellyfin', 'immich (stopped)'])
    expect(nas.items[1]).toMatchObject({ action: { do: 'disconnect', serverId: 's1' } })
    expect(nas.items[4]).toMatchObject({ action: { do: 'open', route: '/servers/s1/apps/immich' } })
    const pi = menu[3] as Extract<TrayItem, { kind: 'submenu' }>
    expect(labels(pi.items)).toEqual(['Open pi', 'Connect'])
  })

  it('shows the unread count and do-not-disturb, and nothing for servers when there are none', () => {
    expect(labels(trayMenu(state({ servers: [], unread: 3, doNotDisturb: true })))).toEqual(['Show Homeport', '—', '3 unread alerts', 'Do not disturb is on', '—', 'Quit'])
    expect(labels(trayMenu(state({ servers: [], unread: 1 })))).toContain('1 unread alert')
  })

  it('marks warning and critical beside the icon, nothing otherwise', () => {
    expect([trayTitle('critical'), trayTitle('warning'), trayTitle('info'), trayTitle('ok'), trayTitle('idle')]).toEqual(['!!', '!', '', '', ''])
  })

  it('picks the plain icon, the warning one or the error one by level, and each exists with its @2x', () => {
    const files = (['idle', 'ok', 'info', 'warning', 'critical'] as const).map(trayIconFile)
    expect(files).toEqual(['tray.png', 'tray.png', 'tray.png', 'tray-warning.png', 'tray-error.png'])
    const icons = join(import.meta.dirname, '../../resources/icons')
    for (const file of new Set(files)) {
      expect(existsSync(join(icons, file)), file).toBe(true)
      expect(existsSync(join(icons, file.replace('.png', '@2x.png'))), file).toBe(true)
    }
  })
})

describe('where an alert leads', () => {
  it('maps each target to a renderer route', () => {
    expect(alertRoute({ kind: 'app', serverId: 's1', app: 'web' })).toBe('/servers/s1/apps/web')
    expect(alertRoute({ kind: 'container', serverId: 's1', container: 'x' })).toBe('/servers/s1/apps')
    expect(alertRoute({ kind: 'server', serverId: 's/1' })).toBe('/servers/s%2F1')
    expect(alertRoute({ kind: 'job', jobId: 'j', serverId: 's1' })).toBe('/jobs/j')
    expect(alertRoute({ kind: 'job', jobId: 'j/1' })).toBe('/jobs/j%2F1')
  })

  it('moves the hash router with a quoted string, whatever the route holds', () => {
    expect(navigateScript('/servers/a"b')).toBe('location.hash = "#/servers/a\\"b"')
  })
})
