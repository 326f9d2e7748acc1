// The tray icon: Show brings the window back, Quit really quits (closing the window only hides it).

import { Menu, Tray, nativeImage } from 'electron'

// iconPath names the 16 px image; Electron picks its tray@2x.png sibling on high-density screens.
export function createTray(iconPath: string, actions: { show(): void; quit(): void }): Tray | undefined {
  const image = nativeImage.createFromPath(iconPath)
  if (image.isEmpty()) return undefined
  const tray = new Tray(image)
  tray.setToolTip('Homeport')
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Show Homeport', click: actions.show },
      { type: 'separator' },
      { label: 'Quit', click: actions.quit },
    ]),
  )
  tray.on('click', actions.show)
  return tray
}
