// Pure URL rules the main process enforces: which frames may call the core, and which links may leave
// the app for the system browser.

export interface RendererLocation {
  /** file:// URL of dist/renderer/index.html, when the built renderer is loaded. */
  indexFileUrl?: string
  /** Vite dev server URL (http://localhost:5173/), in development only. */
  devServerUrl?: string
}

function parse(url: string): URL | undefined {
  try {
    return new URL(url)
  } catch {
    return undefined
  }
}

/** True only for our own renderer: the built index.html (any hash/query) or a page of the dev server. */
export function isTrustedRendererUrl(url: string, location: RendererLocation): boolean {
  const candidate = parse(url)
  if (!candidate) return false
  if (location.indexFileUrl) {
    const index = parse(location.indexFileUrl)
    if (index && candidate.protocol === 'file:' && index.protocol === 'file:' && candidate.pathname === index.pathname) return true
  }
  if (location.devServerUrl) {
    const dev = parse(location.devServerUrl)
    // Compare origins exactly: a prefix check would let http://localhost:5173.evil.example through.
    if (dev && (dev.protocol === 'http:' || dev.protocol === 'https:') && candidate.origin === dev.origin) return true
  }
  return false
}

/**
 * Links may open in the system browser only if they are http(s) and the app itself made them (a
 * forwarded app page on 127.0.0.1). Everything else is dropped: a container's label or a compose file
 * must not be able to make the app open arbitrary schemes (file:, smb:, custom handlers).
 */
export function isAllowedExternalUrl(url: string, allowedOrigins: ReadonlySet<string>): boolean {
  const candidate = parse(url)
  if (!candidate) return false
  if (candidate.protocol !== 'http:' && candidate.protocol !== 'https:') return false
  if (candidate.username || candidate.password) return false
  return allowedOrigins.has(candidate.origin)
}
