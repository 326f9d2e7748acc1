// The window's security settings, asserted without an Electron binary: only pure modules are imported.

import { describe, expect, it } from 'vitest'
import { CONTENT_SECURITY_POLICY } from '../../shared/content-security-policy.js'
import { isTrustedRendererUrl } from '../../electron/main/trusted-urls.js'
import { mainWindowOptions } from '../../electron/main/window-options.js'
import { readFileSync } from 'node:fs'

describe('main window', () => {
  const options = mainWindowOptions({ preloadPath: '/app/dist/preload/preload.cjs' })

  it('isolates the renderer from Node and Electron', () => {
    expect(options.webPreferences).toMatchObject({
      preload: '/app/dist/preload/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    })
  })

  it('sends a strict content security policy, also in the page itself', () => {
    const directives = Object.fromEntries(CONTENT_SECURITY_POLICY.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]))
    expect(directives['default-src']).toEqual(["'self'"])
    expect(directives['script-src']).toEqual(["'self'"])
    expect(directives['object-src']).toEqual(["'none'"])
    expect(directives['base-uri']).toEqual(["'none'"])
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval')
    const html = readFileSync(new URL('../../renderer/index.html', import.meta.url), 'utf8')
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1]
    expect(meta).toContain("script-src 'self'")
    expect(meta).not.toContain('unsafe-eval')
  })

  it('lets only its own renderer call the core', () => {
    const location = { indexFileUrl: 'file:///app/dist/renderer/index.html', devServerUrl: 'http://localhost:5173/' }
    expect(isTrustedRendererUrl('file:///app/dist/renderer/index.html#/servers/1', location)).toBe(true)
    expect(isTrustedRendererUrl('http://localhost:5173/#/', location)).toBe(true)
    expect(isTrustedRendererUrl('http://localhost:5173.evil.example/', location)).toBe(false)
    expect(isTrustedRendererUrl('file:///tmp/evil.html', location)).toBe(false)
    expect(isTrustedRendererUrl('https://example.org/', location)).toBe(false)
  })
})
