// Serves the built renderer (dist/renderer). Only GET/HEAD, only files inside the renderer folder, the
// same security headers as the Electron window. The files hold no data; data only flows over the
// token-guarded WebSocket.

import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import path from 'node:path'
import { SECURITY_HEADERS } from '../../shared/content-security-policy.js'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' })
  res.end(body)
}

/** Resolves a URL path inside rootDir, or undefined when it escapes it (../, encoded slashes, NUL). */
export function resolveInside(rootDir: string, urlPath: string): string | undefined {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return undefined
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined
  const resolved = path.resolve(rootDir, '.' + path.posix.normalize('/' + decoded))
  const root = path.resolve(rootDir)
  return resolved === root || resolved.startsWith(root + path.sep) ? resolved : undefined
}

async function fileAt(filePath: string): Promise<number | undefined> {
  try {
    const info = await stat(filePath)
    return info.isFile() ? info.size : undefined
  } catch {
    return undefined
  }
}

export function createStaticHandler(rendererDir: string) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD')
      send(res, 405, 'Method not allowed')
      return
    }
    const urlPath = new URL(req.url ?? '/', 'http://127.0.0.1').pathname
    let filePath = resolveInside(rendererDir, urlPath === '/' ? '/index.html' : urlPath)
    if (!filePath) {
      send(res, 400, 'Bad path')
      return
    }
    let size = await fileAt(filePath)
    // The renderer uses hash routing, but a reload on an unknown path still gets the app, not a 404.
    if (size === undefined && path.extname(filePath) === '') {
      filePath = path.join(rendererDir, 'index.html')
      size = await fileAt(filePath)
    }
    if (size === undefined) {
      send(res, 404, 'Not found')
      return
    }
    const isIndex = path.basename(filePath) === 'index.html'
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': CONTENT_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': String(size),
      'Cache-Control': isIndex ? 'no-store' : 'public, max-age=3600',
    })
    if (req.method === 'HEAD') {
      res.end()
      return
    }
    createReadStream(filePath)
      .on('error', () => res.destroy())
      .pipe(res)
  }
}
