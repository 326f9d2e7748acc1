// The sandboxed bridge: `window.homeport = { invoke, on }`, and `window.homeportDesktop` for the two things only
// a desktop can do (pick a folder, name a dropped file's path). Bundled as CommonJS because a
// sandboxed preload cannot be an ES module. No Node API and no ipcRenderer object reach the page: a
// compromised page can only call contract methods, which main validates again.

import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron'
import { IPC_CHOOSE_FOLDER_CHANNEL, IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type HomeportBridge } from '../../shared/bridge.js'
import type { EventName } from '../../shared/contract/index.js'

const bridge: HomeportBridge = {
  invoke: (method, input) => ipcRenderer.invoke(IPC_INVOKE_CHANNEL, method, input),
  on(event, listener) {
    const handler = (_e: IpcRendererEvent, name: EventName, payload: unknown) => {
      if (name === event) listener(payload as never)
    }
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler)
    return () => {
      ipcRenderer.off(IPC_EVENT_CHANNEL, handler)
    }
  },
}

contextBridge.exposeInMainWorld('homeport', bridge)
contextBridge.exposeInMainWorld('homeportDesktop', {
  chooseFolder: (title: string): Promise<string | undefined> => ipcRenderer.invoke(IPC_CHOOSE_FOLDER_CHANNEL, title),
  pathForFile: (file: File): string => webUtils.getPathForFile(file),
})
