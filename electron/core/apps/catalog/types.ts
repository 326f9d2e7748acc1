// One app as every catalog format is turned into: a Compose file plus what the install dialog needs.
// The compose text is kept as text (not a parsed model) so the compose engine validates every source the
// same way and the file written to the server is the one the user could read.

import type { CatalogAppDto, CatalogVariableDto } from '../../../../shared/apps-dto.js'

export type CatalogSource = CatalogAppDto['source']

/** Secret variables are generated as random passwords at install and kept in the OS keychain; host ones are supplied from the server. */
export type CatalogVariable = CatalogVariableDto

export interface CatalogWeb {
  service: string
  /** Port inside the container (or on the server for host-network services). */
  port: number
  path: string
  scheme: 'http' | 'https'
  hostNetwork?: boolean
}

export interface CatalogApp {
  id: string
  name: string
  tagline?: string
  description?: string
  category: string
  /** data: URL for bundled icons, https URL for imported ones. */
  icon?: string
  website?: string
  version?: string
  source: CatalogSource
  /** Folder or URL the app was read from. */
  origin: string
  compose: string
  /** Files that must sit next to compose.yml on the server (Umbrel's settings.env…), name → content. */
  files?: Record<string, string>
  variables: CatalogVariable[]
  web?: CatalogWeb
  /** Notes to show before install (default logins, hardware needs…). */
  notes?: string[]
  architectures?: string[]
}

export interface CatalogSkip {
  /** Folder, file or template title that could not be imported. */
  ref: string
  reason: string
}

export interface CatalogLoadResult {
  format: CatalogSource
  apps: CatalogApp[]
  skipped: CatalogSkip[]
}

/** Variables Homeport fills in from the server for every app, whatever its source. */
export const HOST_VARIABLES = ['TZ', 'PUID', 'PGID'] as const
