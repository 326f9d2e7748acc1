// Every malformed compose fixture, installed through the CLI, gives its own error code naming the path
// (first line of each file: `# expect: CODE [PATH]`), exits 1, and leaves nothing on the server.

import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useHomeServer } from '../../homeserver/helpers.js'
import type { CliSandbox } from '../cli/run-cli.js'
import { appFolder, appsSandbox, projectLeftovers, SERVER } from './cli-apps-helpers.js'

const hs = useHomeServer()
const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/compose-malformed')
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.yml')).sort()

describe('homeport apps install with malformed compose files', () => {
  let cli: CliSandbox

  beforeAll(async () => {
    cli = await appsSandbox(hs)
  })
  afterAll(() => cli?.dispose())

  it('has at least 30 fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(30)
  })

  it.concurrent.for(files)('%s: its specific error, exit 1, nothing created', async (file, { expect }) => {
    const text = fs.readFileSync(path.join(dir, file), 'utf8')
    const m = /^# expect: (\S+)(?: (.+))?$/.exec(text.split('\n')[0])
    expect(m, 'fixture lacks its "# expect:" line').not.toBeNull()
    const [, code, where] = m!
    const app = `hp-cli-bad-${file.slice(0, 2)}`
    const result = await cli.run(['apps', 'install', SERVER, '--file', path.join(dir, file), '--name', app])
    expect(result.code, result.stderr).toBe(1)
    expect(result.stdout).toBe('')
    // Progress lines ("Planning") may come first on stderr; the error line names the code and the path.
    const errorLine = result.stderr.split('\n').find((l) => l.startsWith('error '))
    expect(errorLine?.startsWith(`error ${code}: ${where ?? ''}`), result.stderr).toBe(true)
    expect(result.stderr).toMatch(/^hint: .{10,}/m)
    expect(await projectLeftovers(app)).toEqual({ containers: [], networks: [], volumes: [] })
    expect(fs.existsSync(appFolder(hs, app))).toBe(false)
  })
})
