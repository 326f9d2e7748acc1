#!/usr/bin/env node
// Launcher for the `homeport` command: the built CLI when present, else the TypeScript sources through tsx.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const built = join(root, 'dist', 'cli', 'cli.js')

// HOMEPORT_CLI_SOURCE=1 (set by the tests) always runs the sources, so a stale build cannot hide a change.
if (existsSync(built) && process.env.HOMEPORT_CLI_SOURCE !== '1') {
  await import(pathToFileURL(built).href)
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import(pathToFileURL(join(root, 'electron', 'cli', 'main.ts')).href)
}
