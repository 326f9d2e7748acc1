// What the set-up steps may do, as the provisioning service gives it to them: the server's session (which
// changes when a step reconnects), the facts the agent reports, commands run with their output logged,
// and the few server-record changes set-up makes.

import type { AgentHelloDto, AgentStatusDto, DockerInfoDto, ProvisionStepDto } from '../../../shared/contract/index.js'
import type { SshSession } from '../connection/types.js'
import type { ServerRecord } from '../store/servers-repo.js'
import type { LoginKey } from './homeport-key.js'
import type { OsInfo } from './os-family.js'
import type { SudoMode } from './sudo-runner.js'

export interface ProvisionOptions {
  identityFile?: string
  disablePasswordLogin: boolean
}

export interface ProvisionContext {
  readonly serverId: string
  readonly options: ProvisionOptions
  readonly dataDir: string
  server(): ServerRecord
  /** The pinned host key fingerprint of the server. */
  hostKey(): string | undefined
  session(): Promise<SshSession>
  /** Drops the connection and opens a new one (a new login: group changes and a new key apply). */
  reconnect(): Promise<SshSession>
  /** The agent's facts, streamed (it works before the agent is installed); cached until refresh. */
  hello(refresh?: boolean): Promise<AgentHelloDto>
  os(): Promise<OsInfo>
  /** Runs argv, logging the command and every output line; as root through sudo when asRoot. */
  run(argv: string[], opts?: { asRoot?: boolean; allowFailure?: boolean }): Promise<{ code: number; output: string }>
  /** How root commands get root; set before any step that needs it runs. */
  sudoMode(): SudoMode | undefined
  log(line: string): void
  /** Logs in on a separate connection with this key; rejects when the server refuses it. */
  testKeyLogin(key: LoginKey): Promise<void>
  /** From now on the server entry logs in with this key (its passphrase to the keychain). */
  switchToKey(key: LoginKey): Promise<void>
  authMethods(): Promise<string[]>
  dockerInfo(): Promise<DockerInfoDto>
  agentStatus(): Promise<AgentStatusDto>
  installAgent(): Promise<AgentStatusDto>
}

export type StepCheck = Omit<ProvisionStepDto, 'id' | 'title'>

/** A check that found nothing to run: done, skipped or blocked, with what it found. */
export function nothingToRun(status: StepCheck['status'], detail: string): StepCheck {
  return { status, detail, commands: [], needsSudo: false }
}

export interface ProvisionStep {
  id: ProvisionStepDto['id']
  title: string
  /** What is there now and what would run; changes nothing. */
  check(ctx: ProvisionContext): Promise<StepCheck>
  apply(ctx: ProvisionContext, check: StepCheck): Promise<void>
  /** Throws when the step's outcome is not there after apply; returns what it found. */
  verify(ctx: ProvisionContext): Promise<string>
}
