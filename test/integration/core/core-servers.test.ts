// The assembled core against the test home server: the host-key question goes out as an event and is
// answered through the contract, known_hosts counts as acceptance, connection state and container lists
// arrive as events.

import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { EventMap, EventName } from '../../../shared/contract/index.js'
import type { ContainersEvent, PromptRequest, ServerStateEvent } from '../../../shared/contract/index.js'
import { HomeportError } from '../../../shared/errors.js'
import { createCore, type Core } from '../../../electron/core/runtime/create-core.js'
import { MemorySecretStore } from '../../../electron/core/secrets/memory-store.js'
import { docker, useHomeServer } from '../../homeserver/helpers.js'

const hs = useHomeServer()

describe('core: servers, prompts, state and container events', () => {
  let dataDir: string
  let core: Core
  const seen: { event: EventName; payload: unknown }[] = []
  const ctx = { clientId: 'window-1' }
  const of = <E extends EventName>(event: E) => seen.filter((e) => e.event === event).map((e) => e.payload as EventMap[E])
  const knownHosts = () => path.join(dataDir, 'known_hosts')

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'homeport-core-'))
    core = await createCore({
      dataDir,
      secrets: new MemorySecretStore(),
      events: { emit: (event, payload) => void seen.push({ event, payload }) },
      sshConfigPath: path.join(dataDir, 'ssh_config'),
      knownHostsPath: knownHosts(),
    })
  })
  afterAll(async () => {
    await core?.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  const base = () => ({ host: hs.host, port: hs.sshPort, user: hs.user, authMethod: 'key' as const, identityFile: hs.keys.ed25519 })

  it('asks about an unknown host key through prompt.request and pins it once accepted', async () => {
    const adding = core.handlers['servers.add']({ ...base(), name: 'asked' }, ctx)
    await vi.waitFor(() => expect(of('prompt.request')).toHaveLength(1))
    const request: PromptRequest = of('prompt.request')[0]
    expect(request).toMatchObject({ kind: 'hostKey', fingerprint: hs.hostKeyFingerprint, host: hs.host, port: hs.sshPort })
    expect(request.message).toContain(hs.hostKeyFingerprint)
    await core.handlers['prompts.answer']({ id: request.id, value: true }, ctx)
    const added = await adding
    expect(added.hostKey).toBe(hs.hostKeyFingerprint)
    const probe = await core.handlers['servers.probeHostKey']({ host: hs.host, port: hs.sshPort }, ctx)
    expect(probe).toMatchObject({ status: 'pinned', fingerprint: hs.hostKeyFingerprint })
  })

  it('stores nothing when the host key is refused', async () => {
    const adding = core.handlers['servers.add']({ ...base(), name: 'refused' }, ctx)
    await vi.waitFor(() => expect(of('prompt.request')).toHaveLength(2))
    await core.handlers['prompts.answer']({ id: of('prompt.request')[1].id, value: false }, ctx)
    await expect(adding).rejects.toMatchObject({ code: 'HOST_KEY_REJECTED' })
    await expect(core.handlers['servers.get']({ id: 'refused' }, ctx)).rejects.toBeInstanceOf(HomeportError)
  })

  it('accepts a key already in known_hosts without asking', async () => {
    const scanned = execFileSync('ssh-keyscan', ['-p', String(hs.sshPort), '-t', 'ed25519', hs.host], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    fs.writeFileSync(knownHosts(), scanned)
    const asked = of('prompt.request').length
    const added = await core.handlers['servers.add']({ ...base(), name: 'known' }, ctx)
    expect(added.hostKey).toBe(hs.hostKeyFingerprint)
    expect(of('prompt.request')).toHaveLength(asked)
  })

  it('refuses a name that is taken', async () => {
    await expect(core.handlers['servers.add']({ ...base(), name: 'known', trustOnFirstUse: true }, ctx)).rejects.toMatchObject({ code: 'ALREADY_EXISTS' })
  })

  it('connects, reports state events, and pushes container lists to a watching client', async () => {
    const state = await core.handlers['servers.connect']({ id: 'known' }, ctx)
    expect(state.state).toBe('ready')
    const known = await core.handlers['servers.get']({ id: 'known' }, ctx)
    const states = await core.handlers['servers.states']({}, ctx)
    expect(states.find((s: ServerStateEvent) => s.serverId === known.id)?.state).toBe('ready')

    const initial = await core.handlers['docker.watch']({ serverId: 'known' }, ctx)
    expect(Array.isArray(initial)).toBe(true)
    const name = `hp-core-watch-${process.pid}`
    await docker(['run', '-d', '--name', name, hs.images[0], '/bin/busybox', 'sleep', '600'])
    try {
      await vi.waitFor(
        () => {
          const lists = of('docker.containers').filter((e: ContainersEvent) => e.serverId === known.id)
          expect(lists.at(-1)?.containers.find((c) => c.name === name)?.state).toBe('running')
        },
        { timeout: 5000, interval: 50 },
      )
      await core.handlers['docker.unwatch']({ serverId: 'known' }, ctx)
      const listed = await core.handlers['docker.containers']({ serverId: known.id, all: false }, ctx)
      expect(listed.find((c) => c.name === name)?.image).toBe(hs.images[0])
    } finally {
      await docker(['rm', '-f', name])
    }

    await core.handlers['servers.disconnect']({ id: 'known' }, ctx)
    expect(of('server.state').filter((e) => e.serverId === known.id).at(-1)?.state).toBe('offline')
  })

  it('removing a server drops its pinned key', async () => {
    const asked = await core.handlers['servers.get']({ id: 'asked' }, ctx)
    await core.handlers['servers.remove']({ id: asked.id }, ctx)
    await expect(core.handlers['servers.get']({ id: asked.id }, ctx)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    const db = (await import('better-sqlite3')).default(path.join(dataDir, 'homeport.db'), { readonly: true })
    try {
      expect(db.prepare('SELECT COUNT(*) FROM host_keys WHERE server_id = ?').pluck().get(asked.id)).toBe(0)
    } finally {
      db.close()
    }
  })
})
