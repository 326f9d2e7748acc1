// Electron entry: app lifecycle, the main window, the tray, OS notifications, and the IPC binding of the
// contract. Everything else lives in the core, which knows nothing about Electron.

import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { app, BrowserWindow, Notification, nativeTheme, type Tray } from 'electron'
import { createConsoleLogger, createControlServer, createCore, createDispatch, fanOutEvents, resolveDataDir } from '../core/runtime/index.js'
import { externalOrigins, restrictDefaultSession, restrictWebContents } from './hardening.js'
import { trackForwardedPages } from './forwarded-pages.js'
import { bindContract, unbindContract, windowClientId, windowEventSink } from './ipc.js'
import { notificationForEvent } from './notification-rules.js'
import { createTray } from './tray.js'
import type { RendererLocation } from './trusted-urls.js'
import { mainWindowOptions } from './window-options.js'

const bundleDir = path.dirname(fileURLToPath(import.meta.url))
const preloadPath = path.join(bundleDir, '../preload/preload.cjs')
const rendererIndex = path.join(bundleDir, '../renderer/index.html')
const resourcesDir = path.join(app.getAppPath(), 'resources')
// The Vite dev server is trusted only in an unpackaged build: a packaged app ignores the variable.
const devServerUrl = app.isPackaged ? undefined : process.env.HOMEPORT_DEV_SERVER_URL
const location: RendererLocation = { indexFileUrl: pathToFileURL(rendererIndex).href, devServerUrl }

const log = createConsoleLogger()
let mainWindow: BrowserWindow | undefined
let tray: Tray | undefined
let quitting = false
let core: Awaited<ReturnType<typeof createCore>> | undefined
// The `homeport` CLI's calls ride on this app's connections through the control socket.
const control = createControlServer({ dataDir: resolveDataDir(), log })

function showNotification(title: string, body: string): void {
  if (!Notification.isSupported()) return
  new Notification({ title, body, icon: path.join(resourcesDir, 'icons', 'icon.png') }).show()
}

function showWindow(): void {
  if (!mainWindow || mainWindow.isDestroyed()) mainWindow = createWindow()
  if (mainWindow.isMinimized()) mainWindow.restore()
  mainWindow.show()
  mainWindow.focus()
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
    const focused = mainWindow?.isFocused() ?? false
    const notification = focused ? undefined : notificationForEvent(event, payload)
    if (notification) showNotification(notification.title, notification.body)
  })
  core = await control.serve(await createCore({ dataDir: resolveDataDir(), events: fanOutEvents(events, control.events), log }))
  bindContract(createDispatch(core.handlers), location)
  tray = createTray(path.join(resourcesDir, 'icons', 'tray.png'), { show: showWindow, quit })
  mainWindow = createWindow()
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.setAppUserModelId('org.homeport.app')
  restrictWebContents(location, (message) => log.warn(message))
  app.on('second-instance', showWindow)
  app.on('activate', showWindow)
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
