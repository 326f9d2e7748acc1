// Picks the transport at start: Electron's preload bridge when present, else the web host's WebSocket.
// The web host prints a URL ending in `#token=…`; the token is read once, kept for this tab only
// (sessionStorage, so a reload keeps working) and removed from the address bar so the router owns the hash.

import { ref } from 'vue'
import { createApi, setApi, type HomeportApi } from './client.js'
import { createWebSocketBridge, webHostUrl } from './ws-bridge.js'

const TOKEN_KEY = 'homeport.webToken'

/** Whether the link to the core is up; always true under Electron. */
export const transportOnline = ref(true)
export const transportProblem = ref<string | undefined>()

export function tokenFromHash(hash: string): string | undefined {
  const match = /(?:^#|[#&?])token=([^&#]+)/.exec(hash)
  return match ? decodeURIComponent(match[1]) : undefined
}

export function connectToCore(win: Window = window): HomeportApi {
  if (win.homeport) {
    const api = createApi(win.homeport)
    setApi(api)
    return api
  }
  const fromHash = tokenFromHash(win.location.hash)
  if (fromHash) {
    win.sessionStorage.setItem(TOKEN_KEY, fromHash)
    win.history.replaceState(null, '', `${win.location.pathname}${win.location.search}#/`)
  }
  const token = fromHash ?? win.sessionStorage.getItem(TOKEN_KEY) ?? ''
  if (!token) {
    transportProblem.value = 'No access token: open the exact URL that `npm run start:web` printed (it ends in #token=…).'
  }
  transportOnline.value = false
  const bridge = createWebSocketBridge({
    url: webHostUrl(win.location, token),
    onStatus(status) {
      transportOnline.value = status === 'open'
    },
  })
  const api = createApi(bridge)
  setApi(api)
  return api
}
