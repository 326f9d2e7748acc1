// Files that ship with the app (resources/: the app catalog, the server agent). Walks up from this module,
// so it works from the TypeScript sources and the bundled dist/ alike; a packaged app finds them in
// Electron's resources folder (electron-builder's extraResources).

import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { HomeportError } from '../../../shared/errors.js'

/** `resources/<name>`: a file or folder the app ships. */
export function resourcePath(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'resources', name)
    if (existsSync(candidate)) return candidate
    dir = dirname(dir)
  }
  const resourcesPath = (process as { resourcesPath?: string }).resourcesPath
  if (resourcesPath && existsSync(join(resourcesPath, name))) return join(resourcesPath, name)
  throw new HomeportError('INTERNAL', `The app's own file resources/${name} was not found.`, {
    hint: 'Reinstall Homeport; a source checkout keeps it in resources/.',
  })
}
