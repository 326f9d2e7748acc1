// The tray icon shows what the core decides (`tray.state`: level, tooltip, a menu line per server); it
// decides nothing itself. Closing the window only hides it; Quit really quits.

import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron'
import type { TrayStateDto } from '../../shared/contract/index.js'
import { trayMenu, trayTitle, type TrayAction, type TrayItem } from './tray-menu.js'

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

// iconPath names the 16 px image; Electron picks its tray@2x.png sibling on high-density screens.
export function createTray(iconPath: string, initial: TrayStateDto, run: (action: TrayAction) => void): HomeportTray | undefined {
  const image = nativeImage.createFromPath(iconPath)
  if (image.isEmpty()) return undefined
  const tray = new Tray(image)
  const show = (state: TrayStateDto) => {
    tray.setToolTip(state.tooltip)
    tray.setTitle(trayTitle(state.level))
    tray.setContextMenu(Menu.buildFromTemplate(trayMenu(state).map((i) => toElectron(i, run))))
  }
  show(initial)
  tray.on('click', () => run({ do: 'show' }))
  return { show }
}
