// The tray icon shows what the core decides (`tray.state`: level, tooltip, a menu line per server); it
// decides nothing itself. Closing the window only hides it; Quit really quits.

import path from 'node:path'
import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron'
import type { TrayStateDto } from '../../shared/contract/index.js'
import { trayIconFile, trayMenu, trayTitle, type TrayAction, type TrayItem } from './tray-menu.js'

export interface HomeportTray {
  show(state: TrayStateDto): void
}

function toElectron(item: TrayItem, run: (action: TrayAction) => void): MenuItemConstructorOptions {
  switch (item.kind) {
    case 'separator':
      return { type: 'separator' }
    case 'label':
      return { label: item.label, enabled: false }
    case 'action':
      return { label: item.label, click: () => run(item.action) }
    case 'submenu':
      return { label: item.label, submenu: item.items.map((i) => toElectron(i, run)) }
  }
}

// iconsDir holds the 16 px images; Electron picks their @2x siblings on high-density screens.
export function createTray(iconsDir: string, initial: TrayStateDto, run: (action: TrayAction) => void): HomeportTray | undefined {
  const image = nativeImage.createFromPath(path.join(iconsDir, trayIconFile(initial.level)))
  if (image.isEmpty()) return undefined
  const tray = new Tray(image)
  let icon = trayIconFile(initial.level)
  const show = (state: TrayStateDto) => {
    if (trayIconFile(state.level) !== icon) {
      icon = trayIconFile(state.level)
      tray.setImage(path.join(iconsDir, icon))
    }
    tray.setToolTip(state.tooltip)
    tray.setTitle(trayTitle(state.level))
    tray.setContextMenu(Menu.buildFromTemplate(trayMenu(state).map((i) => toElectron(i, run))))
  }
  show(initial)
  tray.on('click', () => run({ do: 'show' }))
  return { show }
}
