// A core for the fault suite, opened as a laptop would open it (its own data dir, known_hosts and SSH
// connection), but with a short keepalive and quick reconnects, so a dropped or frozen connection is seen
// in seconds. Calls go through the validating dispatch; every event is recorded.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { unwrap } from '../../../shared/bridge.js'
import type { EventMap, EventName, JobDto, MethodInput, MethodName, MethodOutput } from '../../../shared/contract/index.js'
import { SshConnectionManager } from '../../../electron/core/connection/connection-manager.js'
import { createCore, createDispatch, type Core } from '../../../electron/core/runtime/index.js'
import { MemorySecretStore } from '../../../electron/core/secrets/memory-store.js'
import type { HomeServerInfo } from '../../homeserver/types.js'

export interface FaultCore {
  core: Core
  dataDir: string
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>
  of<E extends EventName>(event: E): EventMap[E][]
  /** Calls `listener` with every later event of that name. */
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void
  /** The job once it has ended, or undefined if it is still running after `timeoutMs` (a hang). */
  finishedJob(jobId: string, timeoutMs: number): Promise<JobDto | undefined>
  /** `keepData`: the data dir stays, for a restart of the same laptop. */
  close(opts?: { keepData?: boolean }): Promise<void>
}

/** `dataDir`: reuse a laptop's data (a restart of the same laptop); otherwise a fresh one, removed on close. */
export async function openFaultCore(hs: HomeServerInfo, opts: { dataDir?: string; addServer?: boolean } = {}): Promise<FaultCore> {
  const fresh = !opts.dataDir
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'homeport-fault-'))
  const knownHostsPath = path.join(dataDir, 'known_hosts')
  const seen: { event: EventName; payload: unknown }[] = []
  const listeners = new Set<(event: EventName, payload: unknown) => void>()
  const connections = new SshConnectionManager({ knownHostsPath, keepaliveIntervalMs: 1000, keepaliveCountMax: 2, reconnectInitialMs: 200, reconnectMaxMs: 1500, readyTimeoutMs: 5000 })
  const core = await createCore(
    {
      dataDir,
      secrets: new MemorySecretStore(),
      sshConfigPath: path.join(dataDir, 'ssh_config'),
      knownHostsPath,
      events: {
        emit(event, payload) {
          seen.push({ event, payload })
          for (const l of listeners) l(event, payload)
        },
      },
    },
    { connections },
  )
  const dispatch = createDispatch(core.handlers)
  const call = async <M extends MethodName>(method: M, input: MethodInput<M>) => unwrap(await dispatch(method, input, { clientId: 'fault' })) as MethodOutput<M>
  const of = <E extends EventName>(event: E) => seen.filter((e) => e.event === event).map((e) => e.payload as EventMap[E])
  if (opts.addServer !== false && fresh) {
    await call('servers.add', { name: 'home', host: hs.host, port: hs.sshPort, user: hs.user, authMethod: 'key', identityFile: hs.keys.ed25519, hostKey: hs.hostKeyFingerprint })
    await call('apps.setMirror', { serverId: 'home', mirror: hs.registry })
  }
  return {
    core,
    dataDir,
    call,
    of,
    on(event, listener) {
      const l = (name: EventName, payload: unknown) => name === event && listener(payload as EventMap[typeof event])
      listeners.add(l)
      return () => listeners.delete(l)
    },
    async finishedJob(jobId, timeoutMs) {
      const deadline = Date.now() + timeoutMs
      while (Date.now() < deadline) {
        const job = of('job.update').find((j) => j.id === jobId && j.state !== 'running')
        if (job) return job
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      return undefined
    },
    async close(closeOpts = {}) {
      await core.close()
      if (fresh && !closeOpts.keepData) fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
