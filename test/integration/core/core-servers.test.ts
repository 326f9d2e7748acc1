// The assembled core through its validating dispatch, against the test home server: the host-key question
// goes out as an event and is answered through the contract, known_hosts counts as acceptance, connection
// state and container lists arrive as events, and malformed input is refused before any of it runs.

import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { ContainersPatchEvent, PromptRequest, ServerStateEvent } from '../../../shared/contract/index.js'
import { HomeportError } from '../../../shared/errors.js'
import { docker, useHomeServer } from '../../homeserver/helpers.js'
import { openTestCore, type TestCore } from './test-core.js'

const hs = useHomeServer()

describe('core: servers, prompts, state and container events', () => {
  let t: TestCore

  beforeAll(async () => {
    t = await openTestCore({ clientId: 'window-1' })
  })
  afterAll(async () => {
    await t?.close()
  })

  const base = () => ({ host: hs.host, port: hs.sshPort, user: hs.user, authMethod: 'key' as const, identityFile: hs.keys.ed25519 })

  it('refuses a malformed server before connecting, naming each bad field', async () => {
    const error = await t.refused('servers.add', { ...base(), name: 'bad', port: 70000, user: 'a user' })
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toMatch(/^Invalid input for servers\.add: port: .*; user: must not contain spaces/)
    expect(t.of('prompt.request')).toEqual([])
    expect(await t.call('servers.list', {})).toEqual([])
  })

  it('asks about an unknown host key through prompt.request and pins it once accepted', async () => {
    const adding = t.call('servers.add', { ...base(), name: 'asked' })
    await vi.waitFor(() => expect(t.of('prompt.request')).toHaveLength(1))
    const request: PromptRequest = t.of('prompt.request')[0]
    expect(request).toMatchObject({ kind: 'hostKey', fingerprint: hs.hostKeyFingerprint, host: hs.host, port: hs.sshPort })
    expect(request.message).toContain(hs.hostKeyFingerprint)
    await t.call('prompts.answer', { id: request.id, value: true })
    const added = await adding
    expect(added.hostKey).toBe(hs.hostKeyFingerprint)
    const probe = await t.call('servers.probeHostKey', { host: hs.host, port: hs.sshPort })
    expect(probe).toMatchObject({ status: 'pinned', fingerprint: hs.hostKeyFingerprint })
  })

  it('stores nothing when the host key is refused', async () => {
    const adding = t.call('servers.add', { ...base(), name: 'refused' })
    await vi.waitFor(() => expect(t.of('prompt.request')).toHaveLength(2))
    await t.call('prompts.answer', { id: t.of('prompt.request')[1].id, value: false })
    await expect(adding).rejects.toMatchObject({ code: 'HOST_KEY_REJECTED' })
    await expect(t.call('servers.get', { id: 'refused' })).rejects.toBeInstanceOf(HomeportError)
  })

  it('accepts a key already in known_hosts without asking', async () => {
    const scanned = execFileSync('ssh-keyscan', ['-p', String(hs.sshPort), '-t', 'ed25519', hs.host], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    fs.writeFileSync(t.knownHostsPath, scanned)
    const asked = t.of('prompt.request').length
    const added = await t.call('servers.add', { ...base(), name: 'known' })
    expect(added.hostKey).toBe(hs.hostKeyFingerprint)
    expect(t.of('prompt.request')).toHaveLength(asked)
  })

  it('refuses a name that is taken', async () => {
    await expect(t.call('servers.add', { ...base(), name: 'known', trustOnFirstUse: true })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' })
  })

  it('connects, reports state events, and pushes container patches to a watching client', async () => {
    const state = await t.call('servers.connect', { id: 'known' })
    expect(state.state).toBe('ready')
    const known = await t.call('servers.get', { id: 'known' })
    const states = await t.call('servers.states', {})
    expect(states.find((s: ServerStateEvent) => s.serverId === known.id)?.state).toBe('ready')

    const initial = await t.call('docker.watch', { serverId: 'known' })
    expect(Array.isArray(initial)).toBe(true)
    const name = `hp-core-watch-${process.pid}`
    await docker(['run', '-d', '--name', name, hs.images[0], '/bin/busybox', 'sleep', '600'])
    try {
      await vi.waitFor(
        () => {
          const patches = t.of('docker.containersPatch').filter((e: ContainersPatchEvent) => e.serverId === known.id)
          expect(patches.flatMap((p) => p.changed).findLast((c) => c.name === name)?.state).toBe('running')
        },
        { timeout: 30_000, interval: 50 },
      )
      await t.call('docker.unwatch', { serverId: 'known' })
      const listed = await t.call('docker.containers', { serverId: known.id, all: false })
      expect(listed.find((c) => c.name === name)?.image).toBe(hs.images[0])
    } finally {
      await docker(['rm', '-f', name])
    }

    await t.call('servers.disconnect', { id: 'known' })
    expect(t.of('server.state').filter((e) => e.serverId === known.id).at(-1)?.state).toBe('offline')
  })

  it('removing a server drops its pinned key', async () => {
    const asked = await t.call('servers.get', { id: 'asked' })
    await t.call('servers.remove', { id: asked.id })
    await expect(t.call('servers.get', { id: asked.id })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    const db = (await import('better-sqlite3')).default(path.join(t.dataDir, 'homeport.db'), { readonly: true })
    try {
      expect(db.prepare('SELECT COUNT(*) FROM host_keys WHERE server_id = ?').pluck().get(asked.id)).toBe(0)
    } finally {
      db.close()
    }
  })
})
