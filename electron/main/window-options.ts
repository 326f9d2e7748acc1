// The main window's options, as a pure function so a unit test can assert the security settings without
// an Electron binary. Anything that loosens these (nodeIntegration, sandbox off, webviewTag) is a review
// blocker: the renderer shows data from servers and must never reach Node.

import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron'

export interface MainWindowParams {
  /** Absolute path of the bundled CommonJS preload (dist/preload/preload.cjs). */
  preloadPath: string
  iconPath?: string
  /** Dark theme in the OS: paint the first frame dark instead of flashing white. */
  dark?: boolean
}

export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    enableBlinkFeatures: '',
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
  }
}

export function mainWindowOptions(params: MainWindowParams): BrowserWindowConstructorOptions {
  return {
    width: 1200,
    height: 800,
    minWidth: 800,
    minHeight: 560,
    title: 'Homeport',
    show: false,
    backgroundColor: params.dark ? '#18181c' : '#ffffff',
    autoHideMenuBar: true,
    ...(params.iconPath ? { icon: params.iconPath } : {}),
    webPreferences: secureWebPreferences(params.preloadPath),
  }
}
