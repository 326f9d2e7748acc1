// A server whose host key changes (reinstalled, or someone in between): every command refuses with both
// fingerprints until the user pins the new key explicitly with `server trust`, which itself checks that
// the server really presents that key.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServerTestResult } from '../../../shared/contract/index.js'
import { swapHostKey, useHomeServer } from '../../homeserver/helpers.js'
import { addHomeServer, cliSandbox, type CliSandbox } from './run-cli.js'

const hs = useHomeServer()

describe('homeport CLI when the host key changes', () => {
  let cli: CliSandbox

  beforeAll(async () => {
    cli = cliSandbox()
    await addHomeServer(cli, hs, 'moving')
    await swapHostKey('alternate')
  })
  afterAll(async () => {
    await swapHostKey('original')
    cli?.dispose()
  })

  it('refuses to connect, naming the pinned and the presented fingerprints', async () => {
    const result = await cli.run(['server', 'test', 'moving'])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^error HOST_KEY_MISMATCH: /)
    expect(result.stderr).toContain(hs.hostKeyFingerprint)
    expect(result.stderr).toContain(hs.alternateHostKeyFingerprint)
    expect(result.stderr).toContain('homeport server trust')
  })

  it('does not pin a fingerprint the server does not present', async () => {
    const wrong = 'SHA256:' + 'B'.repeat(43)
    const result = await cli.run(['server', 'trust', 'moving', '--host-key', wrong])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^error HOST_KEY_MISMATCH: /)
    expect((await cli.run(['server', 'test', 'moving'])).code).toBe(1)
  })

  it('connects again once the new key is trusted explicitly', async () => {
    const trusted = await cli.run(['server', 'trust', 'moving', '--host-key', hs.alternateHostKeyFingerprint])
    expect(trusted.code, trusted.stderr).toBe(0)
    expect(trusted.stdout).toContain(hs.alternateHostKeyFingerprint)
    const tested = await cli.json<ServerTestResult>(['server', 'test', 'moving'])
    expect(tested.hostKey).toBe(hs.alternateHostKeyFingerprint)
  })
})
