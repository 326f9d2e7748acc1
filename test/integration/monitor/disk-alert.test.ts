// A disk filling up, for real: a small ext4 file system on a loop device (made here as root, readable by the
// test user; the agent ignores tmpfs), filled past the server's threshold gives one alert — not one per
// sample — and one "resolved" once it is freed. The agent reads disk usage every 30 s, hence the long waits.

import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useHomeServer } from '../../homeserver/helpers.js'
import type { TestCore } from '../core/test-core.js'
import { monitoredCore, raisedAbout, resolvedAbout, SERVER, sleep, waitFor } from './monitored-core.js'

const hs = useHomeServer()
const run = (file: string, args: string[]) => execFileSync(file, args, { encoding: 'utf8' })

describe('disk alert', () => {
  let t: TestCore
  let dir: string
  let mount: string
  let serverId: string

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homeport-disk-'))
    fs.chmodSync(dir, 0o755)
    mount = path.join(dir, 'mnt')
    fs.mkdirSync(mount, { mode: 0o755 })
    const image = path.join(dir, 'disk.img')
    run('truncate', ['-s', '64M', image])
    // -m 0: no blocks reserved for root, so "used" reads the same for the agent's user as for this test.
    run('mkfs.ext4', ['-q', '-F', '-m', '0', image])
    run('mount', ['-o', 'loop', image, mount])
    fs.chmodSync(mount, 0o755)
    t = await monitoredCore(hs, { intervalSeconds: 1 })
    serverId = (await t.call('servers.get', { id: SERVER })).id
    await t.call('monitor.configureServer', { serverId: SERVER, diskPercent: 85 })
    await t.call('servers.connect', { id: SERVER })
    await waitFor('a sample that shows the new disk', () => t.of('monitor.sample').some((s) => s.disks.some((d) => d.mount === mount)), 45_000)
  })

  afterAll(async () => {
    await t?.close()
    if (mount) execFileSync('umount', [mount], { stdio: 'ignore' })
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  it('raises one alert past the per-server threshold, however many samples see it full', async () => {
    const { availableBytes, usedBytes } = t.of('monitor.sample').at(-1)!.disks.find((d) => d.mount === mount)!
    const fill = Math.floor((usedBytes + availableBytes) * 0.93) - usedBytes
    run('fallocate', ['-l', String(fill), path.join(mount, 'fill')])
    const [alert] = await waitFor('the disk alert', () => raisedAbout(t, mount).length > 0 && raisedAbout(t, mount), 50_000)
    // Keep sampling a while over the line (every second; the agent's disk reading moves every 30 s).
    const samplesBefore = t.of('monitor.sample').length
    await sleep(5000)
    expect(t.of('monitor.sample').length - samplesBefore).toBeGreaterThanOrEqual(3)
    expect(raisedAbout(t, mount)).toHaveLength(1)
    expect(t.of('alert.updated').filter((a) => a.id === alert.id)).toHaveLength(0)
    expect(alert).toMatchObject({ rule: 'disk.full', severity: 'warning', serverId, subject: mount, target: { kind: 'server', serverId }, state: 'open' })
    expect(alert.title).toMatch(new RegExp(`^${SERVER}: disk ${mount} is 9\\d % full$`))
    expect(alert.message).toContain('the alert starts at 85 %')
    const tile = (await t.call('monitor.overview', {})).find((o) => o.serverId === serverId)!
    expect(tile).toMatchObject({ state: 'ready', monitoring: 'sampling', alerts: { open: 1, worst: 'warning' } })
  }, 90_000)

  it('resolves it once the space is freed below the margin, once', async () => {
    const [alert] = raisedAbout(t, mount)
    fs.rmSync(path.join(mount, 'fill'))
    const resolved = await waitFor('the disk alert to resolve', () => resolvedAbout(t, mount)[0], 50_000)
    await sleep(3000)
    expect(resolvedAbout(t, mount)).toHaveLength(1)
    expect(raisedAbout(t, mount)).toHaveLength(1)
    expect(resolved).toMatchObject({ id: alert.id, state: 'resolved', resolution: 'recovered' })
    expect(resolved.resolvedMessage).toMatch(new RegExp(`^${mount} is at \\d+ % again\\.$`))
  }, 90_000)
})
