// The files domain as the core assembles it: per server, its session (for SFTP and commands) or a volume
// helper (for Docker volumes), and the jobs that move bytes. Handlers stay thin: they pick host or volume
// and call one verb.

import { setMaxListeners } from 'node:events'
import type { TransferJobResult } from '../../../shared/contract/files.js'
import { CLASH_ANSWERS } from '../../../shared/contract/files.js'
import type { SshSession } from '../connection/types.js'
import type { Docker } from '../docker/docker-access.js'
import type { JobContext, JobRunner } from '../jobs/job-runner.js'
import type { Prompter } from '../runtime/types.js'
import { baseName } from './file-entry.js'
import { Staging } from './staging.js'
import { hostTarget, newServerMemo, type HostTarget, type ServerMemo } from './host-target.js'
import type { AskClash } from './transfer/clash-resolver.js'
import { downloadJob } from './transfer/download-job.js'
import { uploadJob, type TransferInput } from './transfer/upload-job.js'
import { DEFAULT_VOLUME_HELPER_IMAGE, VOLUME_HELPER_IMAGE_SETTING, type VolumeTarget } from './volumes/volume-helper.js'
import { downloadFromVolume, uploadToVolume } from './volumes/volume-transfer.js'

export interface FilesDeps {
  session(serverId: string): Promise<SshSession>
  docker(serverId: string): Promise<Docker>
  serverName(serverId: string): string
  idOf(idOrName: string): string
  jobs: JobRunner
  prompts: Prompter
  setting(key: string): unknown
}

export class FilesDomain {
  private readonly memos = new Map<string, ServerMemo>()
  /** Folders on this computer that browser tabs upload from and download into. */
  readonly staging = new Staging()

  constructor(private readonly deps: FilesDeps) {}

  get jobs(): JobRunner {
    return this.deps.jobs
  }

  async host(idOrName: string): Promise<HostTarget> {
    const serverId = this.deps.idOf(idOrName)
    let memo = this.memos.get(serverId)
    if (!memo) this.memos.set(serverId, (memo = newServerMemo()))
    return hostTarget(serverId, this.deps.serverName(serverId), await this.deps.session(serverId), memo)
  }

  /** The Docker API of the server (over its connection). */
  docker(idOrName: string): Promise<Docker> {
    return this.deps.docker(this.deps.idOf(idOrName))
  }

  async volume(idOrName: string, volume: string): Promise<VolumeTarget> {
    const serverId = this.deps.idOf(idOrName)
    const image = this.deps.setting(VOLUME_HELPER_IMAGE_SETTING)
    return {
      server: this.deps.serverName(serverId),
      volume,
      docker: await this.deps.docker(serverId),
      image: typeof image === 'string' && image ? image : DEFAULT_VOLUME_HELPER_IMAGE,
    }
  }

  /** Asks the person about one clash; the job's cancel closes the question. */
  askClash(serverId: string, signal: AbortSignal): AskClash {
    return (path, existing, incoming) =>
      this.deps.prompts.ask(
        {
          kind: 'nameClash',
          serverId,
          title: `${baseName(path)} already exists`,
          message: `${path} is already there (a ${existing}). Replace it with the ${incoming} being transferred, skip it, or keep both by giving the new one another name?`,
          path,
          choices: [...CLASH_ANSWERS],
        },
        signal,
      )
  }

  transfer(kind: 'upload' | 'download', idOrName: string, input: TransferInput & { volume?: string }): { jobId: string } {
    const serverId = this.deps.idOf(idOrName)
    const server = this.deps.serverName(serverId)
    const where = input.volume ? `volume ${input.volume} on ${server}` : server
    const title = kind === 'upload' ? `Upload to ${input.destination} in ${where}` : `Download from ${where} to ${input.destination}`
    const work = async (ctx: JobContext): Promise<TransferJobResult> => {
      // Every file in flight may wait on the job's signal at once.
      setMaxListeners(4 * input.parallel + 16, ctx.signal)
      const ask = this.askClash(serverId, ctx.signal)
      if (input.volume) {
        const t = await this.volume(serverId, input.volume)
        return kind === 'upload' ? uploadToVolume(t, input, ask, ctx) : downloadFromVolume(t, input, ask, ctx)
      }
      const t = await this.host(serverId)
      return kind === 'upload' ? uploadJob(t, input, ask, ctx) : downloadJob(t, input, ask, ctx)
    }
    return { jobId: this.deps.jobs.start({ kind, title, serverId }, work).id }
  }
}
