// Process-wide Electron restrictions, after Podman Desktop's security-restrictions.ts: no navigation
// away from the renderer, no new windows, no <webview>, no permission grants, and the CSP on every
// response of the default session.

import { app, session, shell } from 'electron'
import { CONTENT_SECURITY_POLICY } from '../../shared/content-security-policy.js'
import { isAllowedExternalUrl, isTrustedRendererUrl, type RendererLocation } from './trusted-urls.js'

/** Origins (http://127.0.0.1:PORT) of forwarded app pages the app itself opened; links to them may leave the app. */
export const externalOrigins = new Set<string>()

export function restrictWebContents(location: RendererLocation, log: (message: string) => void): void {
  app.on('web-contents-created', (_created, contents) => {
    contents.on('will-navigate', (event, url) => {
      // Hash routing never fires will-navigate; anything that does is leaving the app.
      event.preventDefault()
      log(`blocked navigation to ${url}`)
    })
    contents.on('will-redirect', (event, url) => {
      if (!isTrustedRendererUrl(url, location)) {
        event.preventDefault()
        log(`blocked redirect to ${url}`)
      }
    })
    contents.on('will-attach-webview', (event) => {
      event.preventDefault()
      log('blocked a <webview>')
    })
    contents.setWindowOpenHandler(({ url }) => {
      if (isAllowedExternalUrl(url, externalOrigins)) void shell.openExternal(url)
      else log(`blocked window.open of ${url}`)
      return { action: 'deny' }
    })
  })
}

/** Needs the app to be ready (the default session exists only then). */
export function restrictDefaultSession(): void {
  const ses = session.defaultSession
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  ses.setPermissionCheckHandler(() => false)
  ses.setDevicePermissionHandler(() => false)
  ses.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders }
    for (const key of Object.keys(headers)) if (key.toLowerCase() === 'content-security-policy') delete headers[key]
    headers['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY]
    callback({ responseHeaders: headers })
  })
}
