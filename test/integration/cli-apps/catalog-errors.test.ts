// `homeport apps` with a catalog that is not there or is not a catalog: the error names the path and says
// what to check in the CLI's words (--catalog), and a catalog's listing carries what each app will use.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CatalogDto } from '../../../shared/contract/index.js'
import { cliSandbox, type CliSandbox } from '../cli/run-cli.js'

const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/store-catalog')

describe('homeport apps with a catalog path', () => {
  let cli: CliSandbox
  let dir: string

  beforeAll(() => {
    cli = cliSandbox()
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hp-catalog-errors-'))
  })
  afterAll(() => {
    cli?.dispose()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('says a mistyped catalog path does not exist, with the flag to check', async () => {
    const missing = path.join(dir, 'my-catalgo')
    const result = await cli.run(['apps', 'catalog', '--catalog', missing])
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(
      `error NOT_FOUND: The catalog ${missing} does not exist on this computer.\n` +
        'hint: Check the path given to --catalog (a folder, .zip, .tar.gz or Portainer .json file), or give an https:// URL.\n',
    )
  })

  it('says a file that is no catalog is not one', async () => {
    const notes = path.join(dir, 'notes.txt')
    fs.writeFileSync(notes, 'not a catalog')
    const result = await cli.run(['apps', 'catalog', '--catalog', notes])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(new RegExp(`^error INVALID_INPUT: ${notes.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a catalog`))
  })

  it('lists what each app of a catalog will use of the server', async () => {
    const catalog = await cli.json<CatalogDto>(['apps', 'catalog', '--catalog', FIXTURE])
    const web = catalog.apps.find((a) => a.id === 'hp-store-web')
    expect(web?.uses?.ports).toEqual([{ service: 'web', hostIp: '127.0.0.1', published: 18787, target: 80, protocol: 'tcp' }])
    expect(web?.uses?.folders.map((f) => f.source)).toEqual(['~/hp-store-e2e-site'])
    expect(catalog.apps.find((a) => a.id === 'hp-store-docker')?.hostAccess?.map((r) => r.kind)).toEqual(['docker-socket'])
  })
})
