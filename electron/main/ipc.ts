// Binds the contract to Electron IPC: one invoke channel for every method. Every call is checked for its
// sender (our own renderer's top frame only) before the shared dispatch validates the input.

import { BrowserWindow, dialog, ipcMain, type IpcMainInvokeEvent } from 'electron'
import { IPC_CHOOSE_FOLDER_CHANNEL, IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../shared/bridge.js'
import type { EventMap, EventName } from '../../shared/contract/index.js'
import { HomeportError, type Result } from '../../shared/errors.js'
import type { Dispatch, EventSink } from '../core/runtime/index.js'
import { isTrustedRendererUrl, type RendererLocation } from './trusted-urls.js'

export function windowClientId(webContentsId: number): string {
  return `window-${webContentsId}`
}

function forbidden(url: string): Result<never> {
  return {
    ok: false,
    error: new HomeportError('FORBIDDEN', `Calls from ${url || 'an unknown frame'} are refused.`, {
      hint: 'Only the Homeport window itself may call the core.',
    }).toJSON(),
  }
}

export function bindContract(dispatch: Dispatch, location: RendererLocation): void {
  ipcMain.handle(IPC_INVOKE_CHANNEL, async (event: IpcMainInvokeEvent, method: unknown, input: unknown) => {
    const frame = event.senderFrame
    const url = frame?.url ?? ''
    // Subframes never call the core, even when they load our own origin.
    if (!frame || frame !== event.sender.mainFrame || !isTrustedRendererUrl(url, location)) return forbidden(url)
    return dispatch(method, input, { clientId: windowClientId(event.sender.id) })
  })
  // The one thing the window asks of the desktop rather than the core: a folder picked by the person.
  ipcMain.handle(IPC_CHOOSE_FOLDER_CHANNEL, async (event: IpcMainInvokeEvent, title: unknown) => {
    const frame = event.senderFrame
    if (!frame || frame !== event.sender.mainFrame || !isTrustedRendererUrl(frame.url, location)) return undefined
    const owner = BrowserWindow.fromWebContents(event.sender)
    const options = { title: typeof title === 'string' ? title.slice(0, 200) : 'Choose a folder', properties: ['openDirectory', 'createDirectory'] as ('openDirectory' | 'createDirectory')[] }
    const picked = owner ? await dialog.showOpenDialog(owner, options) : await dialog.showOpenDialog(options)
    return picked.canceled ? undefined : picked.filePaths[0]
  })
}

export function unbindContract(): void {
  ipcMain.removeHandler(IPC_INVOKE_CHANNEL)
  ipcMain.removeHandler(IPC_CHOOSE_FOLDER_CHANNEL)
}

/** The core's events, sent to every open window; `also` sees each one too (OS notifications). */
export function windowEventSink(also?: <E extends EventName>(event: E, payload: EventMap[E]) => void): EventSink {
  return {
    emit(event, payload) {
      for (const win of BrowserWindow.getAllWindows()) {
        if (!win.isDestroyed() && !win.webContents.isDestroyed()) win.webContents.send(IPC_EVENT_CHANNEL, event, payload)
      }
      also?.(event, payload)
    },
  }
}
