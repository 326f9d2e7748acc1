// Electron entry: app lifecycle, the main window, the tray, OS notifications, and the IPC binding of the
// contract. Everything else lives in the core, which knows nothing about Electron.

import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { app, BrowserWindow, Notification, nativeTheme } from 'electron'
import type { DesktopSettingsDto, TrayStateDto } from '../../shared/contract/index.js'
import { applyLinuxAutostart, createConsoleLogger, createControlServer, createCore, createDispatch, fanOutEvents, resolveDataDir, type Dispatch } from '../core/runtime/index.js'
import { navigateScript } from './alert-route.js'
import { externalOrigins, restrictDefaultSession, restrictWebContents } from './hardening.js'
import { trackForwardedPages } from './forwarded-pages.js'
import { bindContract, unbindContract, windowClientId, windowEventSink } from './ipc.js'
import { notificationForEvent, type OsNotification } from './notification-rules.js'
import { createTray, type HomeportTray } from './tray.js'
import type { TrayAction } from './tray-menu.js'
import type { RendererLocation } from './trusted-urls.js'
import { mainWindowOptions } from './window-options.js'

const bundleDir = path.dirname(fileURLToPath(import.meta.url))
const preloadPath = path.join(bundleDir, '../preload/preload.cjs')
const rendererIndex = path.join(bundleDir, '../renderer/index.html')
const resourcesDir = path.join(app.getAppPath(), 'resources')
// The Vite dev server is trusted only in an unpackaged build: a packaged app ignores the variable.
const devServerUrl = app.isPackaged ? undefined : process.env.HOMEPORT_DEV_SERVER_URL
const location: RendererLocation = { indexFileUrl: pathToFileURL(rendererIndex).href, devServerUrl }

// Started by the OS at login: only the tray comes up, no window.
const STARTED_AT_LOGIN = '--started-at-login'
const log = createConsoleLogger()
let mainWindow: BrowserWindow | undefined
let tray: HomeportTray | undefined
let quitting = false
let core: Awaited<ReturnType<typeof createCore>> | undefined
// The `homeport` CLI's calls ride on this app's connections through the control socket.
const control = createControlServer({ dataDir: resolveDataDir(), log })

function showNotification(n: OsNotification): void {
  if (!Notification.isSupported()) return
  const notification = new Notification({ title: n.title, body: n.body, silent: n.silent ?? false, icon: path.join(resourcesDir, 'icons', 'icon.png') })
  notification.on('click', () => showWindow(n.route))
  notification.show()
}

/** Brings the window back, on `route` when given (a fresh window loads first, then moves there). */
function showWindow(route?: string): void {
  if (!mainWindow || mainWindow.isDestroyed()) mainWindow = createWindow()
  if (mainWindow.isMinimized()) mainWindow.restore()
  mainWindow.show()
  mainWindow.focus()
  if (!route) return
  const contents = mainWindow.webContents
  const go = () => void contents.executeJavaScript(navigateScript(route)).catch((err: unknown) => log.warn('opening a page failed', { error: String(err) }))
  if (contents.isLoading()) contents.once('did-finish-load', go)
  else go()
}

/** What a tray menu entry does; connecting goes through the same dispatch as the window. */
function trayAction(dispatch: Dispatch, action: TrayAction): void {
  if (action.do === 'quit') return quit()
  if (action.do === 'show') return showWindow()
  if (action.do === 'open') return showWindow(action.route)
  const method = action.do === 'connect' ? 'servers.connect' : 'servers.disconnect'
  void dispatch(method, { id: action.serverId }, { clientId: 'tray' }).then((result) => {
    if (!result.ok) showNotification({ title: `Homeport: ${action.do} failed`, body: `${result.error.message} ${result.error.hint}` })
  })
}

/**
 * Start at login is decided in the core (a setting any front end may change); this only tells the OS. An
 * unpackaged build would register the bare Electron binary, so only a packaged app does.
 */
function applyDesktopSettings(settings: DesktopSettingsDto): void {
  if (!app.isPackaged) return
  if (process.platform !== 'linux') {
    app.setLoginItemSettings({ openAtLogin: settings.startAtLogin, args: [STARTED_AT_LOGIN] })
    return
  }
  // An AppImage runs from a temporary mount: its autostart entry must name the image file itself.
  try {
    applyLinuxAutostart(settings.startAtLogin, [process.env.APPIMAGE ?? process.execPath, STARTED_AT_LOGIN])
  } catch (err) {
    log.warn('start at login could not be set', { error: String(err) })
  }
}

function quit(): void {
  quitting = true
  app.quit()
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow(
    mainWindowOptions({ preloadPath, iconPath: path.join(resourcesDir, 'icons', 'icon.png'), dark: nativeTheme.shouldUseDarkColors }),
  )
  win.once('ready-to-show', () => win.show())
  win.on('close', (event) => {
    // With a tray icon, closing the window keeps the connections (and notifications) alive.
    if (!quitting && tray) {
      event.preventDefault()
      win.hide()
    }
  })
  const clientId = windowClientId(win.webContents.id)
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = undefined
    void core?.forgetClient(clientId).catch((err: unknown) => log.warn('forgetting a window failed', { error: String(err) }))
  })
  if (devServerUrl) void win.loadURL(devServerUrl)
  else void win.loadFile(rendererIndex)
  return win
}

async function start(): Promise<void> {
  restrictDefaultSession()
  const forwardedPages = trackForwardedPages(externalOrigins)
  const events = windowEventSink((event, payload) => {
    forwardedPages(event, payload)
    if (event === 'tray.state') tray?.show(payload as TrayStateDto)
    if (event === 'settings.desktop') applyDesktopSettings(payload as DesktopSettingsDto)
    const focused = mainWindow?.isFocused() ?? false
    const notification = focused ? undefined : notificationForEvent(event, payload)
    if (notification) showNotification(notification)
  })
  core = await control.serve(await createCore({ dataDir: resolveDataDir(), events: fanOutEvents(events, control.events), log }))
  const dispatch = createDispatch(core.handlers)
  bindContract(dispatch, location)
  const initial = await core.handlers['alerts.tray']({}, { clientId: 'tray' })
  tray = createTray(path.join(resourcesDir, 'icons'), initial, (action) => trayAction(dispatch, action))
  applyDesktopSettings(await core.handlers['settings.desktop']({}, { clientId: 'tray' }))
  const atLogin = process.argv.includes(STARTED_AT_LOGIN) || app.getLoginItemSettings().wasOpenedAtLogin
  if (!(atLogin && tray)) mainWindow = createWindow()
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.setAppUserModelId('org.homeport.app')
  restrictWebContents(location, (message) => log.warn(message))
  app.on('second-instance', () => showWindow())
  app.on('activate', () => showWindow())
  app.on('before-quit', () => {
    quitting = true
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin' || !tray) quit()
  })
  app.on('will-quit', (event) => {
    if (!core) return
    // Close SSH connections and the database before the process goes away.
    const closing = core
    core = undefined
    event.preventDefault()
    unbindContract()
    void control.close().then(() => closing.close())
      .catch((err: unknown) => log.error('closing the core failed', { error: String(err) }))
      .finally(() => app.quit())
  })
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      log.error('Homeport failed to start', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) })
      app.exit(1)
    })
}
