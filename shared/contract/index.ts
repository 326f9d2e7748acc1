// The one declaration of every call between a front end (window, web host, CLI) and the core, merged from
// one file per domain. `CoreHandlers` is derived from it, so the compiler flags a method the core does not
// implement; `EventMap` is derived from the domains' events.

import type { z } from 'zod'
import { agentContract } from './agent.js'
import { alertsContract, alertsEvents } from './alerts.js'
import { appsContract, appsEvents } from './apps.js'
import { backupsContract } from './backups.js'
import { deployContract } from './deploy.js'
import type { Out, OutOf } from './define.js'
import { dockerContract, dockerEvents } from './docker.js'
import { engineContract } from './engine.js'
import { filesContract } from './files.js'
import { jobsContract, jobsEvents } from './jobs.js'
import { monitorContract, monitorEvents } from './monitor.js'
import { promptsContract, promptsEvents } from './prompts.js'
import { provisionContract } from './provision.js'
import { serversContract, serversEvents } from './servers.js'
import { settingsContract, settingsEvents } from './settings.js'
import { tasksContract } from './tasks.js'
import { terminalContract, terminalEvents } from './terminal.js'

export type * from './agent.js'
export type * from './alerts.js'
export type * from './apps.js'
export type * from './backups.js'
export type * from './deploy.js'
export type * from './docker.js'
export type * from './engine.js'
export type * from './files.js'
export type * from './jobs.js'
export type * from './monitor.js'
export type * from './prompts.js'
export type * from './provision.js'
export type * from './servers.js'
export type * from './settings.js'
export type * from './tasks.js'
export type { Out } from './define.js'
export { ServerAddInput, ServerRef, ServerIdInput } from './servers.js'
export { AppSource, AppRef, appName, APP_NAME_PATTERN } from './apps.js'
export { JOB_KINDS } from './jobs.js'
export { CONTAINER_ACTIONS, ContainerRef } from './docker.js'
export { ENGINE_KINDS } from './engine.js'
export { CLASH_ANSWERS, LocalPath, RemotePath, VolumeName } from './files.js'
export { REPOSITORY_KINDS } from './backups.js'
export { DeployConfig, DEPLOY_VERSION_PATTERN, STACKS } from './deploy.js'
export { PROVISION_STEPS } from './provision.js'
export { HOST_SERIES, HISTORY_RANGES } from './monitor.js'
export { ALERT_RULES } from './alerts.js'

export const contract = {
  ...serversContract,
  ...dockerContract,
  ...engineContract,
  ...promptsContract,
  ...settingsContract,
  ...appsContract,
  ...terminalContract,
  ...jobsContract,
  ...agentContract,
  ...provisionContract,
  ...filesContract,
  ...backupsContract,
  ...deployContract,
  ...monitorContract,
  ...alertsContract,
  ...tasksContract,
} as const

const events = { ...serversEvents, ...dockerEvents, ...promptsEvents, ...appsEvents, ...terminalEvents, ...jobsEvents, ...monitorEvents, ...alertsEvents, ...settingsEvents } as const

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
export type EventMap = { [E in keyof typeof events]: OutOf<(typeof events)[E]> }
export type EventName = keyof EventMap
export const eventNames = Object.keys(events) as EventName[]

/** The handlers of one domain's part of the contract: `HandlersFor<typeof appsContract>`. */
export type HandlersFor<C> = Pick<CoreHandlers, Extract<keyof C, MethodName>>
