// The renderer's Content-Security-Policy, sent as a response header by Electron's session and by the web
// host. renderer/index.html carries the same string in a meta tag, because file:// responses loaded by
// Electron get no headers of their own. Keep the two identical.

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // Naive UI injects its styles at runtime (css-render), which needs inline styles.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  // The web host's contract socket; Electron talks over IPC and needs no connect source at all.
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ')

/** Headers every renderer response carries, in Electron and in the web host. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
}
