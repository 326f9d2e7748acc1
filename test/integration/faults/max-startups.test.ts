// Twenty Homeports connecting at once to an sshd that allows only two unauthenticated connections at a time
// (MaxStartups 2): sshd closes the others before speaking SSH. Each is tried again with a growing pause, so
// all twenty get in.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KnownHosts } from '../../../electron/core/connection/known-hosts.js'
import { SshSessionImpl } from '../../../electron/core/connection/session.js'
import { useHomeServer } from '../../homeserver/helpers.js'
import { freePort } from '../../homeserver/process.js'
import { startSshdWithConfig, stopSshd, type SshdFiles } from '../../homeserver/sshd.js'

const hs = useHomeServer()

describe('sshd refusing connections beyond MaxStartups', () => {
  let dir: string
  let files: SshdFiles
  let port: number

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homeport-maxstartups-'))
    port = await freePort()
    files = { configPath: path.join(dir, 'sshd.conf'), pidFile: path.join(dir, 'sshd.pid'), logPath: path.join(dir, 'sshd.log') }
    const main = fs.readFileSync(hs.sshdConfigPath, 'utf8')
    const config = main
      .replace(/^Port .*$/m, `Port ${port}`)
      .replace(/^PidFile .*$/m, `PidFile ${files.pidFile}`)
      .replace(/^MaxStartups .*$/m, 'MaxStartups 2')
    fs.writeFileSync(files.configPath, config, { mode: 0o600 })
    await startSshdWithConfig(files, port)
  })

  afterAll(async () => {
    if (files) await stopSshd(files.pidFile)
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('lets all twenty in, retrying the ones sshd closed before speaking SSH', { timeout: 120_000 }, async () => {
    const knownHosts = new KnownHosts(path.join(dir, 'known_hosts'))
    const sessions = Array.from(
      { length: 20 },
      (_, i) => new SshSessionImpl(`s${i}`, { host: hs.host, port, user: hs.user, authMethod: 'key', identityFile: hs.keys.ed25519, hostKey: hs.hostKeyFingerprint }, { knownHosts }),
    )
    try {
      const results = await Promise.allSettled(sessions.map((s) => s.ready()))
      const refused = results.flatMap((r) => (r.status === 'rejected' ? [String((r.reason as Error).message)] : []))
      expect(refused).toEqual([])
      const log = fs.readFileSync(files.logPath, 'utf8')
      // sshd really turned some away: the retries were needed.
      expect(log).toMatch(/drop connection #\d+ from .* past MaxStartups|beginning MaxStartups throttling/)
    } finally {
      await Promise.all(sessions.map((s) => s.close()))
    }
  })
})
