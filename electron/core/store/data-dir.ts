// Where Homeport keeps its local state. One rule for every front end (desktop, CLI, web host):
// HOMEPORT_HOME wins, else the platform's per-user application-data folder.

import os from 'node:os'
import path from 'node:path'

export const APP_DIR_NAME = 'Homeport'

export function resolveDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  if (env.HOMEPORT_HOME) return path.resolve(env.HOMEPORT_HOME)
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_DIR_NAME)
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_DIR_NAME)
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_DIR_NAME)
}
