// Schedules on a server without systemd are crontab entries, and the agent edits the crontab read-modify-write.
// Two changes at once (a backup schedule and a task, or two computers) must keep each other's entry: eight
// set at once, as the server's user, then removed at once.

import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useHomeServer } from '../../homeserver/helpers.js'
import { agentScript } from './agent-shells.js'

const hs = useHomeServer()
const PREFIX = 'hp-crontab-race'
const names = Array.from({ length: 8 }, (_, i) => `${PREFIX}-${i}`)
let dir: string
let agent: string

/** The agent run as the test user, the way its SSH login runs it. */
function asUser(args: string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('su', ['-s', '/bin/sh', '-c', 'sh "$0" "$@"', hs.user, '--', agent, ...args])
    let stdout = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout }))
  })
}

const crontab = () => spawnSync('su', ['-s', '/bin/sh', '-c', 'crontab -l 2>/dev/null; true', hs.user], { encoding: 'utf8' }).stdout

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homeport-agent-crontab-'))
  fs.chmodSync(dir, 0o755)
  agent = path.join(dir, 'homeport-agent')
  fs.copyFileSync(agentScript, agent)
  fs.chmodSync(agent, 0o644)
})

afterAll(async () => {
  for (const n of names) await asUser(['schedule-remove', n])
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('the agent and the crontab', () => {
  it('keeps every entry when eight schedules are set at once, and removes them all at once', async () => {
    const set = await Promise.all(names.map((n) => asUser(['schedule-set', n, '* * * * *', '*-*-* *:*:00', `/tmp/${PREFIX}.sh`, 'run'])))
    for (const r of set) expect(JSON.parse(r.stdout)).toEqual({ via: 'cron' })
    const tab = crontab()
    for (const n of names) expect(tab).toContain(`* * * * * /bin/sh /tmp/${PREFIX}.sh run # homeport-schedule ${n}\n`)
    expect(fs.existsSync(`/home/${hs.user}/.local/share/homeport/crontab.lock`)).toBe(false)

    const removed = await Promise.all(names.map((n) => asUser(['schedule-remove', n])))
    for (const r of removed) expect(JSON.parse(r.stdout)).toEqual({ removed: true })
    expect(crontab()).not.toContain(PREFIX)
  })
})
