// `homeport images|volumes|networks|df|prune`, `homeport container …` and `homeport apps update --file` against the test home server:
// lists with sizes and users, a preview that changes nothing, removal only with consent and only of what is
// unused, and a compose file edited after install applied with its plan — each judged on the engine.

import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EngineImageDto, EngineVolumeDto, EngineNetworkDto, UnusedDto, RemoveResultDto, EngineUsageDto } from '../../../shared/contract/index.js'
import { useHomeServer } from '../../homeserver/helpers.js'
import { docker, exists, makeEngineThings, removeEngineThings, type EngineThings } from '../engine/engine-fixture.js'
import { addHomeServer, cliSandbox, type CliSandbox } from './run-cli.js'

const hs = useHomeServer()
const PREFIX = `hpcli${process.pid}`
const APP = `${PREFIX}-app`
const [PORT_A, PORT_B] = [18394, 18395]
const COMPOSE = `services:
  web:
    image: docker.io/homeport/httpd:1
    ports:
      - "127.0.0.1:${PORT_A}:80"
    stop_grace_period: 1s
`

// Each command is a process of its own with its own SSH connection: generous room on a busy machine.
const SLOW = 240_000

describe('homeport engine commands and apps update --file', () => {
  let cli: CliSandbox
  let things: EngineThings

  beforeAll(async () => {
    things = await makeEngineThings(hs, PREFIX)
    cli = cliSandbox()
    await addHomeServer(cli, hs, 'hs')
  }, 120_000)

  afterAll(async () => {
    await cli?.run(['apps', 'remove', 'hs', APP, '--volumes', '--yes'])
    cli?.dispose()
    await removeEngineThings(PREFIX, things)
  }, SLOW)

  it('lists images, volumes and networks with sizes and the containers using them', async () => {
    await docker(['create', '--name', `${PREFIX}-user`, '-v', `${things.volume}:/data`, things.image, 'true'])
    const images = await cli.json<EngineImageDto[]>(['images', 'hs'])
    expect(images.find((i) => i.tags.includes(things.image))?.users.map((u) => u.name)).toEqual([`${PREFIX}-user`])
    const volumes = await cli.json<EngineVolumeDto[]>(['volumes', 'hs'])
    expect(volumes.find((v) => v.name === things.volume)?.size).toBeGreaterThanOrEqual(2_000_000)
    const networks = await cli.json<EngineNetworkDto[]>(['networks', 'hs'])
    expect(networks.find((n) => n.name === things.network)?.users).toEqual([])

    const table = await cli.run(['volumes', 'hs'])
    expect(table.code, table.stderr).toBe(0)
    expect(table.stdout).toMatch(new RegExp(`^${things.volume}\\s+local\\s+1\\.9 MiB\\s+—\\s+${PREFIX}-user$`, 'm'))
    const df = await cli.json<EngineUsageDto>(['df', 'hs'])
    expect(df.volumes.count).toBeGreaterThanOrEqual(1)
    expect((await cli.run(['df', 'hs'])).stdout).toMatch(/^TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE\nImages\s+\d+/)
  }, SLOW)

  it('refuses to remove a volume in use, and one without --yes when nobody can be asked', async () => {
    const inUse = await cli.run(['volumes', 'hs', '--rm', things.volume, '--yes'])
    expect(inUse.code).toBe(1)
    expect(inUse.stderr).toContain(`error NOT_FOUND: No unused volume "${things.volume}" on hs: it does not exist or a container uses it.`)
    await docker(['rm', `${PREFIX}-user`])
    const unasked = await cli.run(['volumes', 'hs', '--rm', things.volume])
    expect(unasked.code).toBe(2)
    expect(unasked.stderr).toContain('hint: Check the list with --dry-run, then add --yes.')
    expect(await exists('volume', things.volume)).toBe(true)
  }, SLOW)

  it('previews a removal, then removes exactly that volume', async () => {
    const preview = await cli.run(['volumes', 'hs', '--rm', things.volume, '--dry-run'])
    expect(preview.code, preview.stderr).toBe(0)
    expect(preview.stdout).toMatch(new RegExp(`^volume\\s+${things.volume}\\s+1\\.9 MiB$`, 'm'))
    expect(preview.stdout).toContain('1 to remove, freeing 1.9 MiB.')
    expect(await exists('volume', things.volume)).toBe(true)

    const removed = await cli.json<RemoveResultDto>(['volumes', 'hs', '--rm', things.volume, '--yes'])
    expect(removed.removed.map((r) => r.label)).toEqual([things.volume])
    expect(removed.bytesFreed).toBeGreaterThanOrEqual(2_000_000)
    expect(await exists('volume', things.volume)).toBe(false)
    expect(await exists('image', things.image)).toBe(true)
  }, SLOW)

  it('prune --dry-run lists unused images and networks (volumes only with --volumes) and removes nothing', async () => {
    const plain = await cli.json<UnusedDto>(['prune', 'hs', '--dry-run'])
    expect(plain.items.some((i) => i.kind === 'image' && i.label === things.image)).toBe(true)
    expect(plain.items.some((i) => i.kind === 'network' && i.label === things.network)).toBe(true)
    expect(plain.items.some((i) => i.kind === 'volume')).toBe(false)
    expect(plain.bytes).toBe(plain.items.reduce((sum, i) => sum + i.size, 0))
    await docker(['volume', 'create', `${PREFIX}-vol2`])
    const withVolumes = await cli.json<UnusedDto>(['prune', 'hs', '--dry-run', '--volumes'])
    expect(withVolumes.items.some((i) => i.kind === 'volume' && i.label === `${PREFIX}-vol2`)).toBe(true)
    expect(await exists('image', things.image)).toBe(true)
    expect(await exists('network', things.network)).toBe(true)
    await docker(['volume', 'rm', `${PREFIX}-vol2`])
    // Removing an image and a network by name, as the lists show them.
    const removed = await cli.json<RemoveResultDto>(['images', 'hs', '--rm', things.image, '--yes'])
    expect(removed.removed.map((r) => r.kind)).toEqual(['image'])
    expect(await exists('image', things.image)).toBe(false)
    expect((await cli.json<RemoveResultDto>(['networks', 'hs', '--rm', things.network, '--yes'])).removed).toHaveLength(1)
    expect(await exists('network', things.network)).toBe(false)
  }, SLOW)

  it('container stop/start/logs drive one container that belongs to no app', async () => {
    const stopped = await cli.run(['container', 'stop', 'hs', things.container])
    expect(stopped.code, stopped.stderr).toBe(0)
    expect(stopped.stdout).toMatch(new RegExp(`^${things.container}: exited`))
    expect(await docker(['inspect', '-f', '{{.State.Status}}', things.container])).toBe('exited')
    const started = await cli.json<{ state: string }>(['container', 'start', 'hs', things.container])
    expect(started.state).toBe('running')
    expect(await docker(['inspect', '-f', '{{.State.Status}}', things.container])).toBe('running')
    const logs = await cli.run(['container', 'logs', 'hs', things.container, '--tail', '10'])
    expect(logs.stdout.split('\n').filter((l) => l.startsWith('started-'))).toHaveLength(2)
    const missing = await cli.run(['container', 'restart', 'hs', `${PREFIX}-nope`])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain(`error NOT_FOUND: There is no container "${PREFIX}-nope" on hs.`)
  }, SLOW)

  it('apps update --file plans an edited compose file, then applies it: the app listens on the new port', async () => {
    const dir = path.join(cli.home, APP)
    fs.mkdirSync(dir)
    fs.writeFileSync(path.join(dir, 'compose.yml'), COMPOSE)
    expect((await cli.run(['apps', 'mirror', 'hs', hs.registry])).code).toBe(0)
    const installed = await cli.run(['apps', 'install', 'hs', '--file', path.join(dir, 'compose.yml'), '--name', APP])
    expect(installed.code, installed.stderr).toBe(0)
    expect(await fetch(`http://127.0.0.1:${PORT_A}/`).then((r) => r.text())).toContain('homeport test app')

    const edited = path.join(dir, 'edited.yml')
    fs.writeFileSync(edited, COMPOSE.replace(String(PORT_A), String(PORT_B)))
    const dry = await cli.run(['apps', 'update', 'hs', APP, '--file', edited, '--dry-run'])
    expect(dry.code, dry.stderr).toBe(0)
    expect(dry.stdout).toMatch(/recreate/)
    expect(await docker(['port', `${APP}-web-1`, '80/tcp'])).toBe(`127.0.0.1:${PORT_A}`)

    const updated = await cli.run(['apps', 'update', 'hs', APP, '--file', edited])
    expect(updated.code, updated.stderr).toBe(0)
    expect(updated.stderr).toMatch(/recreate/)
    expect(await docker(['port', `${APP}-web-1`, '80/tcp'])).toBe(`127.0.0.1:${PORT_B}`)
    expect(await fetch(`http://127.0.0.1:${PORT_B}/`).then((r) => r.text())).toContain('homeport test app')

    const missing = await cli.run(['apps', 'update', 'hs', APP, '--file', path.join(dir, 'nope.yml')])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('hint: Check the path given to --file.')
    const bare = await cli.run(['apps', 'update', 'hs', APP, '--dry-run'])
    expect(bare.code).toBe(2)

    const cleared = await cli.json<{ mirror: string | null }>(['apps', 'mirror', 'hs', '--clear'])
    expect(cleared.mirror).toBeNull()
    expect((await cli.run(['apps', 'mirror', 'hs'])).stdout).toContain('pulls Docker Hub images directly')
    expect((await cli.run(['apps', 'mirror', 'hs', hs.registry, '--clear'])).code).toBe(2)
  }, SLOW)
})
