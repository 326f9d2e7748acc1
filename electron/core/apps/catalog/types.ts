// One app as every catalog format is turned into: a Compose file plus what the install dialog needs.
// The compose text is kept as text (not a parsed model) so the compose engine validates every source the
// same way and the file written to the server is the one the user could read.

import type { CatalogAppDto, CatalogVariableDto } from '../../../../shared/contract/index.js'

export type CatalogSource = CatalogAppDto['source']

/** Secret variables are generated as random passwords at install and kept in the OS keychain; host ones are supplied from the server. */
export type CatalogVariable = CatalogVariableDto

/** The DTO the App Store shows, plus what only the core needs to install it. */
export interface CatalogApp extends CatalogAppDto {
  /** Folder or URL the app was read from. */
  origin: string
  compose: string
  /** Files that must sit next to compose.yml on the server (Umbrel's settings.env…), name → content. */
  files?: Record<string, string>
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
