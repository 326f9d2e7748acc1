// The Docker API as the rest of the core uses it: dockerode's own interface, so callers keep its whole API,
// but every call — on Docker itself and on the containers, images, networks, volumes and execs it hands
// out — maps its failure through toDockerError (naming the action and the server), and a read that failed
// because the connection dropped goes out once more, on a fresh channel once the session is back — waiting
// for it only so long (`awaitServer`): past that the read fails with the reason the server is out of reach,
// so a caller that must act on it (an install rolling back) is not held for the whole outage. Writes are
// never repeated: the engine may have done them before the connection went.

import type Docker from 'dockerode'
import { isConnectionLost } from '../connection/connection-lost.js'
import { CONTAINER_STOPPING_CALLS } from './container-intents.js'
import { toDockerError } from './docker-errors.js'
import type { HomeportError } from '../../../shared/errors.js'

export type { Docker }

/** Calls that change nothing on the server, so repeating one after a drop is safe. */
const READS = new Set([
  'listContainers', 'listImages', 'listNetworks', 'listVolumes', 'version', 'info', 'ping', 'df', 'getEvents',
  'inspect', 'logs', 'stats', 'top', 'changes', 'history',
])

/** Calls that hand out an object of their own, and what that object is (for naming it in messages). */
const HANDS_OUT: Record<string, string> = {
  getContainer: 'container',
  createContainer: 'container',
  getImage: 'image',
  getNetwork: 'network',
  createNetwork: 'network',
  getVolume: 'volume',
  createVolume: 'volume',
  getExec: 'exec',
  exec: 'exec',
}

const VERBS: Record<string, string> = {
  getEvents: 'follow its events',
  version: 'read the engine version',
  info: 'read the engine facts',
  ping: 'reach the engine',
  df: 'read its disk usage',
  exec: 'run a command in',
  logs: 'read the logs of',
  stats: 'read the usage of',
  top: 'list the processes of',
}

const words = (method: string) => method.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`)
const shortId = (ref: string) => (/^[0-9a-f]{64}$/.test(ref) ? ref.slice(0, 12) : ref)

/** What a call on Docker itself is about: the name in its options, or the image reference it pulls. */
function subjectOf(args: unknown[]): string {
  const first = args[0]
  if (typeof first === 'string') return ` ${first}`
  const named = first as { name?: unknown; Name?: unknown } | undefined
  const name = named?.name ?? named?.Name
  return typeof name === 'string' ? ` ${name}` : ''
}

function actionOf(method: string, args: unknown[], entity?: { kind: string; ref: string }): string {
  if (entity) return `${VERBS[method] ?? words(method)} ${entity.kind} ${shortId(entity.ref)}`
  return VERBS[method] ?? `${words(method)}${subjectOf(args)}`
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}

export interface DockerAccessHooks {
  /** Called before the core stops, kills, restarts or removes a container (see container-intents.ts). */
  onContainerStopping?: (ref: string) => void
  /** Before a read cut by a drop is repeated: resolves once the server answers, rejects with why not. */
  awaitServer?: () => Promise<void>
}

function wrap<T extends object>(target: T, serverName: string, entity?: { kind: string; ref: string }, hooks: DockerAccessHooks = {}): T {
  return new Proxy(target, {
    get(obj, prop) {
      const value: unknown = Reflect.get(obj, prop, obj)
      if (typeof value !== 'function' || typeof prop !== 'string' || prop === 'constructor') return value
      const method = prop
      const call = value as (...args: unknown[]) => unknown
      return (...args: unknown[]) => {
        const handOut = (result: unknown) => {
          const kind = HANDS_OUT[method]
          if (!kind || !result || typeof result !== 'object') return result
          const ref = (result as { id?: string; name?: string }).id ?? (result as { name?: string }).name ?? ''
          return wrap(result, serverName, { kind, ref }, hooks)
        }
        if (entity?.kind === 'container' && CONTAINER_STOPPING_CALLS.has(method)) hooks.onContainerStopping?.(entity.ref)
        const result = call.apply(obj, args)
        // dockerode's callback form (a function as last argument) returns nothing: left as it is.
        if (!isThenable(result)) return handOut(result)
        const fail = (err: unknown): never => {
          throw toDockerError(err, serverName, actionOf(method, args, entity))
        }
        return Promise.resolve(result).then(handOut, async (err: unknown) => {
          if (!READS.has(method) || !isConnectionLost(err)) return fail(err)
          await Promise.resolve(hooks.awaitServer?.()).catch(fail)
          return Promise.resolve(call.apply(obj, args)).then(handOut, fail)
        })
      }
    },
  })
}

/** `docker` as the core uses it; `serverName` is the server's name as the person knows it. */
export function dockerAccess(docker: Docker, serverName: string, hooks: DockerAccessHooks = {}): Docker {
  const wrapped = wrap(docker, serverName, undefined, hooks)
  serverNames.set(wrapped, serverName)
  return wrapped
}

const serverNames = new WeakMap<object, string>()

/**
 * A failure of a raw docker-modem call (one the proxy cannot see, such as a streamed read dockerode would
 * buffer), mapped as every other call on `docker` is.
 */
export function dockerFailure(docker: Docker, err: unknown, action: string): HomeportError {
  return toDockerError(err, serverNames.get(docker) ?? 'the server', action)
}
