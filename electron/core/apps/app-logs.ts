// An app's container logs, demultiplexed (docker/log-demux.ts) and told apart by service.

import type { LogLineDto } from '../../../shared/contract/index.js'
import { HomeportError } from '../../../shared/errors.js'
import { LABEL } from '../compose/engine/container-spec.js'
import type { Docker } from '../docker/docker-access.js'
import { containerLogLines, LogDemuxer, toLine } from '../docker/log-demux.js'
import { projectContainers } from '../docker/project-containers.js'

export { LogDemuxer, toLine }

export interface LogOptions {
  service?: string
  tail: number
  since?: number
  timestamps: boolean
}

export async function containersFor(docker: Docker, app: string, service?: string): Promise<Docker.ContainerInfo[]> {
  const containers = (await projectContainers(docker, app)).filter((c) => !service || c.Labels?.[LABEL.service] === service)
  if (!containers.length) {
    throw new HomeportError('NOT_FOUND', service ? `App "${app}" has no service "${service}".` : `App "${app}" has no containers.`, {
      hint: 'The Apps page of the server lists the installed apps.',
      cliHint: 'Check the names with `homeport apps list SERVER`.',
    })
  }
  return containers
}

/** The last `tail` lines of every service (merged by time when timestamps are on). */
export async function readLogs(docker: Docker, app: string, opts: LogOptions): Promise<LogLineDto[]> {
  const lines: LogLineDto[] = []
  for (const c of await containersFor(docker, app, opts.service)) {
    lines.push(...(await containerLogLines(docker, c.Id, c.Labels?.[LABEL.service] ?? c.Id.slice(0, 12), opts)))
  }
  if (opts.timestamps) lines.sort((a, b) => (a.time ?? '').localeCompare(b.time ?? ''))
  return lines
}
