// The one declaration of every call between a front end (window, web host, CLI) and the core.
// A method is `domain.verb`, takes one object validated by its zod schema, and returns the typed output.
// `CoreHandlers` is derived from this table, so the compiler flags a method the core does not implement.

import { z } from 'zod'
import type {
  AppInfoDto,
  ContainerDto,
  ContainersEvent,
  DockerInfoDto,
  HostKeyProbe,
  PromptRequest,
  ServerDto,
  ServerStateEvent,
  ServerTestResult,
  SshConfigHostDto,
} from './dto.js'

import { appsContract, appsEventNames, method, out, type AppsEventMap, type Out } from './apps-contract.js'

export type { Out }

const fingerprint = z
  .string()
  .regex(/^SHA256:[A-Za-z0-9+/]{43}=?$/, 'must be an OpenSSH SHA256 fingerprint such as SHA256:abc…(43 characters)')

const name = z
  .string()
  .min(1, 'is required')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'may use letters, digits, dot, dash and underscore, and must start with a letter or digit')

const host = z
  .string()
  .min(1, 'is required')
  .max(253)
  .regex(/^[^\s@/]+$/, 'must be a host name or IP address without spaces, "@" or "/"')

export const ServerAddInput = z
  .object({
    name,
    host: host.optional(),
    port: z.number().int().min(1).max(65535).optional(),
    user: z.string().min(1).max(64).regex(/^[^\s:@]+$/, 'must not contain spaces, ":" or "@"').optional(),
    /** Take host, port, user, identity file and jump hosts from this ~/.ssh/config Host alias. */
    sshConfigHost: z.string().min(1).optional(),
    authMethod: z.enum(['agent', 'key', 'password', 'keyboard-interactive']),
    identityFile: z.string().min(1).optional(),
    /** Password (password/keyboard-interactive) or key passphrase (key); goes to the keychain only. */
    secret: z.string().optional(),
    proxyJump: z.string().min(1).optional(),
    /** Pin this key; the connection is refused if the server presents another. */
    hostKey: fingerprint.optional(),
    /** Accept whatever key the server presents now and pin it (CLI --trust-on-first-use). */
    trustOnFirstUse: z.boolean().optional(),
  })
  .refine((v) => v.host || v.sshConfigHost, { message: 'host is required (or pick a Host from ~/.ssh/config)', path: ['host'] })

export const ServerRef = z.object({ id: z.string().min(1) })
export const ServerIdInput = z.object({ serverId: z.string().min(1) })

export const contract = {
  'app.info': method(z.object({}), out<AppInfoDto>()),

  'servers.list': method(z.object({}), out<ServerDto[]>()),
  'servers.add': method(ServerAddInput, out<ServerDto>()),
  'servers.remove': method(ServerRef, out<void>()),
  /** Look up a server by id or name. */
  'servers.get': method(ServerRef, out<ServerDto>()),
  'servers.probeHostKey': method(
    z.object({ host, port: z.number().int().min(1).max(65535).default(22), proxyJump: z.string().optional(), sshConfigHost: z.string().optional() }),
    out<HostKeyProbe>(),
  ),
  'servers.replaceHostKey': method(z.object({ id: z.string().min(1), hostKey: fingerprint }), out<ServerDto>()),
  'servers.connect': method(ServerRef, out<ServerStateEvent>()),
  'servers.disconnect': method(ServerRef, out<void>()),
  'servers.test': method(ServerRef, out<ServerTestResult>()),
  'servers.states': method(z.object({}), out<ServerStateEvent[]>()),

  'sshConfig.hosts': method(z.object({}), out<SshConfigHostDto[]>()),

  'docker.info': method(ServerIdInput, out<DockerInfoDto>()),
  'docker.containers': method(ServerIdInput.extend({ all: z.boolean().default(true) }), out<ContainerDto[]>()),
  /** Start pushing `docker.containers` events for this server (kept live from Docker's event stream). */
  'docker.watch': method(ServerIdInput, out<ContainerDto[]>()),
  'docker.unwatch': method(ServerIdInput, out<void>()),

  'prompts.answer': method(z.object({ id: z.string().min(1), value: z.union([z.boolean(), z.string()]) }), out<void>()),

  'settings.get': method(z.object({ key: z.string().min(1) }), out<unknown>()),
  'settings.set': method(z.object({ key: z.string().min(1), value: z.unknown() }), out<void>()),

  ...appsContract,
} as const

export type Contract = typeof contract
export type MethodName = keyof Contract
export type MethodInput<M extends MethodName> = z.input<Contract[M]['input']>
export type ParsedInput<M extends MethodName> = z.output<Contract[M]['input']>
export type MethodOutput<M extends MethodName> = Contract[M]['output'] extends Out<infer O> ? O : never

/** Who is calling: lets the core tie prompts and subscriptions to one window or socket. */
export interface CallContext {
  clientId: string
}

export type CoreHandlers = {
  [M in MethodName]: (input: ParsedInput<M>, ctx: CallContext) => Promise<MethodOutput<M>>
}

export const methodNames = Object.keys(contract) as MethodName[]

export function isMethodName(value: unknown): value is MethodName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(contract, value)
}

/** Every event the core pushes to front ends, with its payload type. */
export interface EventMap extends AppsEventMap {
  'server.state': ServerStateEvent
  'docker.containers': ContainersEvent
  'prompt.request': PromptRequest
  'prompt.cancel': { id: string }
  'secrets.warning': { message: string; hint: string }
}
export type EventName = keyof EventMap
export const eventNames: EventName[] = ['server.state', 'docker.containers', 'prompt.request', 'prompt.cancel', 'secrets.warning', ...appsEventNames]
