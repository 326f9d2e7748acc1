// The assembled core as a front end uses it: every call goes through the validating dispatch and comes back
// in the Result envelope, which `call` unwraps into the value or a HomeportError, as the CLI, the window and
// the web host do. Every event is recorded. Each core gets a data dir, ssh config and known_hosts of its own.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { expect } from 'vitest'
import { unwrap } from '../../../shared/bridge.js'
import type { EventMap, EventName, JobDto, MethodInput, MethodName, MethodOutput } from '../../../shared/contract/index.js'
import type { ErrorInfo } from '../../../shared/errors.js'
import { createCore, createDispatch, type Core, type CoreOptions } from '../../../electron/core/runtime/index.js'
import { MemorySecretStore } from '../../../electron/core/secrets/memory-store.js'
import type { HomeServerInfo } from '../../homeserver/types.js'

export interface TestCore {
  core: Core
  dataDir: string
  knownHostsPath: string
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>
  /** Sends an input the contract must refuse; resolves with the dispatch's error (fails the test if it was accepted). */
  refused(method: MethodName, input: unknown): Promise<ErrorInfo>
  /** Payloads of one event, in the order they came. */
  of<E extends EventName>(event: E): EventMap[E][]
  /** The job once it has ended (from its update events, or `jobs.get` if they were missed). */
  finishedJob(jobId: string): Promise<JobDto>
  close(): Promise<void>
}

export interface TestCoreOptions extends Partial<CoreOptions> {
  clientId?: string
  /** Keep secrets in the OS keychain (the test server's Secret Service) as the app does, not in memory. */
  keychain?: boolean
  /**
   * Sample connected servers as the app does (monitoring). Off unless asked, so a test of something else sees
   * no agent watch, Docker event stream or stats calls it did not start itself.
   */
  sampling?: boolean
}

/** Opens a core in `dataDir` or a fresh temporary one (removed on close); secrets stay in memory unless `keychain` is set. */
export async function openTestCore(opts: TestCoreOptions = {}): Promise<TestCore> {
  const { clientId = 'test', keychain = false, sampling = false, ...options } = opts
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'homeport-core-'))
  const knownHostsPath = path.join(dataDir, 'known_hosts')
  const seen: { event: EventName; payload: unknown }[] = []
  const core = await createCore({
    secrets: keychain ? undefined : new MemorySecretStore(),
    sshConfigPath: path.join(dataDir, 'ssh_config'),
    knownHostsPath,
    ...options,
    dataDir,
    events: {
      emit(event, payload) {
        seen.push({ event, payload })
        options.events?.emit(event, payload)
      },
    },
  }, { sampling })
  const dispatch = createDispatch(core.handlers)
  const ctx = { clientId }
  const call = async <M extends MethodName>(method: M, input: MethodInput<M>) => unwrap(await dispatch(method, input, ctx)) as MethodOutput<M>
  const of = <E extends EventName>(event: E) => seen.filter((e) => e.event === event).map((e) => e.payload as EventMap[E])
  return {
    core,
    dataDir,
    knownHostsPath,
    call,
    async refused(method, input) {
      const result = await dispatch(method, input, ctx)
      expect(result.ok, `${method} accepted ${JSON.stringify(input)}`).toBe(false)
      return (result as { ok: false; error: ErrorInfo }).error
    },
    of,
    async finishedJob(jobId) {
      for (;;) {
        const job = of('job.update').find((j) => j.id === jobId && j.state !== 'running') ?? (await call('jobs.get', { id: jobId }))
        if (job.state !== 'running') return job
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    },
    async close() {
      await core.close()
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** `servers.add` input for the test server's main user and ed25519 key, host key pinned. */
export function homeServerInput(hs: HomeServerInfo, name = 'home') {
  return { name, host: hs.host, port: hs.sshPort, user: hs.user, authMethod: 'key' as const, identityFile: hs.keys.ed25519, hostKey: hs.hostKeyFingerprint }
}
