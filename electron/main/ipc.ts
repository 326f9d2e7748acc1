// Binds the contract to Electron IPC: one invoke channel for every method. Every call is checked for its
// sender (our own renderer's top frame only) before the shared dispatch validates the input.

import { BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron'
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../shared/bridge.js'
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
}

export function unbindContract(): void {
  ipcMain.removeHandler(IPC_INVOKE_CHANNEL)
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
