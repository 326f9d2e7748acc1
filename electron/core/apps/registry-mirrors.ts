// Each server's registry mirror (a pull-through cache that Docker Hub references are rewritten to), kept
// with the other settings in SQLite.

import type { SettingsRepo } from '../store/settings-repo.js'

const key = (serverId: string) => `server:${serverId}:registryMirror`

export class RegistryMirrors {
  constructor(private readonly settings: SettingsRepo) {}

  get(serverId: string): string | undefined {
    return (this.settings.get(key(serverId)) as string | undefined) ?? undefined
  }

  /** null clears it. */
  set(serverId: string, mirror: string | null): void {
    this.settings.set(key(serverId), mirror ?? undefined)
  }
}
