// Homeport's assembled core for the benchmarks, logged in to the test home server with its key, host key
// pinned; jobs are awaited through their `job.update` events rather than polled, so a measured install ends
// the moment its job does.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { JobDto } from '../../shared/contract/index.js'
import { createCore, type Core } from '../../electron/core/runtime/create-core.js'
import { MemorySecretStore } from '../../electron/core/secrets/memory-store.js'
import type { HomeServerInfo } from '../homeserver/types.js'
import { withDeadline } from './bench-stats.js'

export const BENCH_SERVER = 'bench-home'
export const CLIENT = { clientId: 'bench' }

export interface BenchCore {
  core: Core
  /** Resolves with the job once it is no longer running. */
  finished(jobId: string, deadlineMs: number): Promise<JobDto>
  /** Receives every `apps.logs` event: the stream, how many lines it carried, and whether it ended. */
  onLogs: (streamId: string, lines: number, ended: boolean) => void
  /** Receives every `job.update` event, running ones included (a benchmark timing a job's steps). */
  onJob: (job: JobDto) => void
  close(): Promise<void>
}

export async function openBenchCore(info: HomeServerInfo): Promise<BenchCore> {
  const dataDir = mkdtempSync(join(tmpdir(), 'homeport-bench-core-'))
  const done = new Map<string, JobDto>()
  const waiters = new Map<string, (job: JobDto) => void>()
  const bench = { onLogs: (_streamId: string, _lines: number, _ended: boolean): void => {}, onJob: (_job: JobDto): void => {} }
  const core = await createCore({
    dataDir,
    secrets: new MemorySecretStore(),
    events: {
      emit: (event, payload) => {
        if (event === 'apps.logs') {
          const batch = payload as { streamId: string; lines: unknown[]; ended?: boolean }
          return bench.onLogs(batch.streamId, batch.lines.length, batch.ended === true)
        }
        if (event !== 'job.update') return
        const job = payload as JobDto
        bench.onJob(job)
        if (job.state === 'running') return
        done.set(job.id, job)
        waiters.get(job.id)?.(job)
      },
    },
    sshConfigPath: join(dataDir, 'ssh_config'),
    knownHostsPath: join(dataDir, 'known_hosts'),
  })
  await core.handlers['servers.add'](
    { name: BENCH_SERVER, host: info.host, port: info.sshPort, user: info.user, authMethod: 'key', identityFile: info.keys.ed25519, hostKey: info.hostKeyFingerprint },
    CLIENT,
  )
  return Object.assign(bench, {
    core,
    finished(jobId: string, deadlineMs: number): Promise<JobDto> {
      const ended = done.get(jobId)
      if (ended) return Promise.resolve(ended)
      const waiting = new Promise<JobDto>((resolve) => waiters.set(jobId, resolve))
      return withDeadline(waiting, deadlineMs, `job ${jobId}`).finally(() => waiters.delete(jobId))
    },
    async close(): Promise<void> {
      await core.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  })
}
