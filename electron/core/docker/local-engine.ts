// This computer's own Docker engine, for building an image here rather than on the server: DOCKER_HOST when
// it is set (unix://, tcp:// with DOCKER_CERT_PATH/DOCKER_TLS_VERIFY, npipe://, as the docker CLI reads it),
// else the platform's default socket. Docker contexts (`docker context use`) are not read.

import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import Dockerode from 'dockerode'
import type { LocalEngineDto } from '../../../shared/contract/deploy.js'
import { HomeportError } from '../../../shared/errors.js'
import type { Docker } from './docker-access.js'

export interface LocalEngine {
  docker: Docker
  host: string
  version: string
  /** `linux/amd64`, as the engine runs images. */
  platform: string
}

/** How long the engine has to answer before it counts as absent. */
const PING_TIMEOUT_MS = 5_000

export function localDockerHost(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.DOCKER_HOST) return env.DOCKER_HOST
  if (platform === 'win32') return 'npipe:////./pipe/docker_engine'
  // Docker Desktop for Mac keeps its socket in the home folder unless it was allowed to link /var/run's.
  const desktopSocket = join(homedir(), '.docker/run/docker.sock')
  if (platform === 'darwin' && !existsSync('/var/run/docker.sock') && existsSync(desktopSocket)) return `unix://${desktopSocket}`
  return 'unix:///var/run/docker.sock'
}

function dockerFor(host: string): Docker {
  // docker-modem reads DOCKER_HOST and the TLS variables itself; a socket path it is given directly.
  if (host.startsWith('unix://')) return new Dockerode({ socketPath: host.slice('unix://'.length) })
  if (host.startsWith('npipe://')) return new Dockerode({ socketPath: host.slice('npipe://'.length).replace(/\//g, '\\') })
  return new Dockerode()
}

function absent(host: string, reason: string): HomeportError {
  return new HomeportError('LOCAL_DOCKER_UNAVAILABLE', `No Docker engine answers on this computer (${host}): ${reason}.`, { details: reason })
}

/** The engine, once it has answered; LOCAL_DOCKER_UNAVAILABLE naming where it was looked for and why not. */
export async function openLocalEngine(env: NodeJS.ProcessEnv = process.env): Promise<LocalEngine> {
  const host = localDockerHost(env)
  const docker = dockerFor(host)
  let timer: NodeJS.Timeout | undefined
  try {
    const version = await Promise.race([
      docker.version(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS / 1000} s`)), PING_TIMEOUT_MS)
      }),
    ])
    return { docker, host, version: version.Version, platform: `${version.Os}/${version.Arch}` }
  } catch (err) {
    const e = err as { code?: string; message?: string }
    const reason = e.code === 'ENOENT' ? 'its socket does not exist' : e.code === 'ECONNREFUSED' ? 'nothing listens on its socket' : e.code === 'EACCES' ? 'this user may not open its socket' : (e.message ?? String(err))
    throw absent(host, reason)
  } finally {
    clearTimeout(timer)
  }
}

export async function localEngineInfo(env: NodeJS.ProcessEnv = process.env): Promise<LocalEngineDto> {
  try {
    const engine = await openLocalEngine(env)
    return { found: true, host: engine.host, version: engine.version, platform: engine.platform }
  } catch (err) {
    return { found: false, host: localDockerHost(env), problem: err instanceof HomeportError ? (err.details ?? err.message) : String(err) }
  }
}
