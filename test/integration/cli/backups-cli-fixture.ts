// Where every `homeport backups` CLI test starts: the test home server added as `hs`, the test restic image
// set, and the app to back up installed from a compose file in the sandbox's home.

import fs from 'node:fs'
import path from 'node:path'
import { expect } from 'vitest'
import type { HomeServerInfo } from '../../homeserver/types.js'
import { resticTestImage } from '../backups/restic-image.js'
import { addHomeServer, type CliSandbox } from './run-cli.js'

export async function installBackedUpApp(cli: CliSandbox, hs: HomeServerInfo, app: string, compose: string): Promise<void> {
  await addHomeServer(cli, hs, 'hs')
  const image = await cli.run(['backups', 'image', await resticTestImage(hs)])
  expect(image.code, image.stderr).toBe(0)
  fs.writeFileSync(path.join(cli.home, 'compose.yml'), compose)
  const installed = await cli.run(['apps', 'install', 'hs', '--file', path.join(cli.home, 'compose.yml'), '--name', app])
  expect(installed.code, installed.stderr).toBe(0)
}
