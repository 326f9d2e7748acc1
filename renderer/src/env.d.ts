/// <reference types="vite/client" />

import type { HomeportBridge } from '../../shared/bridge.js'

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent when the window is served by the web host. */
    homeport?: HomeportBridge
  }
}

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}
