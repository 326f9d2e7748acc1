// The version shown in app.info and `homeport --version`: package.json's, found by walking up from this
// file so it works from the TypeScript sources and from the bundled dist/ alike.

import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

function readVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'package.json')
    try {
      const pkg = JSON.parse(fs.readFileSync(candidate, 'utf8')) as { name?: string; version?: string }
      if (pkg.name === 'homeport' && pkg.version) return pkg.version
    } catch {
      // not here; keep walking up
    }
    dir = path.dirname(dir)
  }
  return '0.0.0'
}

export const APP_VERSION = readVersion()
