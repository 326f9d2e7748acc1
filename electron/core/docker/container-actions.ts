// One container, any on the server (an app's or not), by id or name: start, stop, restart, read its output.
// Every call goes through dockerAccess, so a stop is noted as Homeport's own (container-intents.ts) and its
// failures name the action and the server.

import type { ContainerAction, ContainerDto, LogLineDto } from '../../../shared/contract/index.js'
import { HomeportError } from '../../../shared/errors.js'
import type { Docker } from './docker-access.js'
import { DockerError } from './docker-errors.js'
import { toContainerDto } from './container-dto.js'
import { containerLogLines } from './log-demux.js'

const NOT_THERE = 'It may have been removed meanwhile: the server’s container list shows the ones there are.'

/** Docker's 404 as a Homeport NOT_FOUND naming the container; anything else as it came. */
function notFound(err: unknown, ref: string, serverName: string): unknown {
  if (err instanceof DockerError && err.statusCode === 404) return new HomeportError('NOT_FOUND', `There is no container "${ref}" on ${serverName}.`, { hint: NOT_THERE, details: err.details })
  return err
}

async function find(docker: Docker, ref: string, serverName: string): Promise<Docker.ContainerInfo> {
  let id: string
  try {
    id = (await docker.getContainer(ref).inspect()).Id
  } catch (err) {
    throw notFound(err, ref, serverName)
  }
  const [info] = await docker.listContainers({ all: true, filters: { id: [id] } })
  if (!info) throw new HomeportError('NOT_FOUND', `There is no container "${ref}" on ${serverName}.`, { hint: NOT_THERE })
  return info
}

/** Runs the action (one already in that state is fine: Docker's 304) and answers with the container afterwards. */
export async function containerAction(docker: Docker, ref: string, action: ContainerAction, serverName: string): Promise<ContainerDto> {
  const { Id } = await find(docker, ref, serverName)
  const container = docker.getContainer(Id)
  try {
    if (action === 'start') await container.start()
    else if (action === 'stop') await container.stop()
    else await container.restart()
  } catch (err) {
    if (!(err instanceof DockerError && err.statusCode === 304)) throw notFound(err, ref, serverName)
  }
  return toContainerDto(await find(docker, Id, serverName))
}

export async function containerLogs(docker: Docker, ref: string, opts: { tail: number; timestamps: boolean }, serverName: string): Promise<LogLineDto[]> {
  const info = await find(docker, ref, serverName)
  return containerLogLines(docker, info.Id, toContainerDto(info).name, opts)
}
