// Builds what the set-up steps see (ProvisionContext) from the core's parts: the server's session through
// Sessions, the agent's streamed hello, the keychain and the server record.

import type { AgentHelloDto, DockerInfoDto } from '../../../shared/contract/index.js'
import { HomeportError } from '../../../shared/errors.js'
import { agentFor } from '../agent/agent-client.js'
import { listInstalled, statusOf } from '../agent/agent-installer.js'
import { bundledAgent } from '../agent/agent-script.js'
import type { ConnectionManager, SshSession, SshTarget } from '../connection/types.js'
import type { JobContext } from '../jobs/job-runner.js'
import type { SecretStore } from '../runtime/types.js'
import { serverSecretAccount } from '../secrets/accounts.js'
import type { ServerRecord } from '../store/servers-repo.js'
import { offeredAuthMethods } from './auth-methods-probe.js'
import type { ProvisionContext, ProvisionOptions } from './provision-context.js'
import { detectOs, type OsInfo } from './os-family.js'
import { runStreamed, shownCommand, type SudoMode } from './sudo-runner.js'

export interface ContextDeps {
  dataDir: string
  secrets: SecretStore
  connections: ConnectionManager
  server(serverId: string): ServerRecord
  hostKey(serverId: string): string | undefined
  updateAuth(serverId: string, auth: { authMethod: 'key'; identityFile: string; hasSecret: boolean }): void
  targetFor(serverId: string): Promise<SshTarget>
  session(serverId: string): Promise<SshSession>
  /** Releases the server's connection (the next session() logs in anew). */
  drop(serverId: string): Promise<void>
  dockerInfo(serverId: string): Promise<DockerInfoDto>
}

export function buildContext(deps: ContextDeps, serverId: string, options: ProvisionOptions, running?: { job: JobContext; sudo: () => SudoMode | undefined }): ProvisionContext {
  let hello: Promise<AgentHelloDto> | undefined
  let os: Promise<OsInfo> | undefined
  const log = (line: string) => running?.job.log(line)
  const session = () => deps.session(serverId)

  const ctx: ProvisionContext = {
    serverId,
    options,
    dataDir: deps.dataDir,
    server: () => deps.server(serverId),
    hostKey: () => deps.hostKey(serverId),
    session,
    async reconnect() {
      await deps.drop(serverId)
      hello = undefined
      return session()
    },
    hello(refresh = false) {
      if (refresh || !hello) {
        const next = session().then((s) => agentFor(s).hello({ install: false }))
        next.catch(() => {
          if (hello === next) hello = undefined
        })
        hello = next
      }
      return hello
    },
    os() {
      os ??= session()
        .then((s) => s.exec(['cat', '/etc/os-release'], { timeoutMs: 15_000 }))
        .then((res) => detectOs(res.code === 0 ? res.stdout : ''))
      os.catch(() => (os = undefined))
      return os
    },
    async run(argv, opts = {}) {
      const asRoot = opts.asRoot ?? false
      log(`$ ${shownCommand(argv, asRoot)}`)
      const sudo = running?.sudo()
      if (asRoot && !sudo) throw new HomeportError('INTERNAL', 'A root command was about to run before sudo was set up.')
      const res = await runStreamed(await session(), argv, { asRoot, ...(sudo ? { sudo } : {}), ...(running ? { signal: running.job.signal } : {}), onLine: (l) => log(`  ${l}`) })
      if (res.code !== 0 && !opts.allowFailure) {
        throw new HomeportError('COMMAND_FAILED', `\`${shownCommand(argv, asRoot)}\` failed with exit code ${res.code}.`, { details: res.output.slice(-2000) })
      }
      return res
    },
    sudoMode: () => running?.sudo(),
    log,
    async testKeyLogin(key) {
      const base = await deps.targetFor(serverId)
      const target: SshTarget = { ...base, authMethod: 'key', identityFile: key.path, getSecret: async () => key.passphrase }
      const probeId = `${serverId}#key-test`
      try {
        const probe = await deps.connections.acquire(probeId, async () => target)
        await probe.ready()
      } catch (err) {
        throw new HomeportError('AUTH_FAILED', 'The server did not accept a login with the new key, so Homeport keeps using the password.', {
          hint: 'Check that sshd allows public-key login (PubkeyAuthentication) and that ~/.ssh on the server belongs to the user.',
          details: err instanceof Error ? err.message : String(err),
        })
      } finally {
        deps.connections.release(probeId)
      }
    },
    async switchToKey(key) {
      if (key.passphrase) await deps.secrets.set(serverSecretAccount(serverId, 'passphrase'), key.passphrase)
      deps.updateAuth(serverId, { authMethod: 'key', identityFile: key.path, hasSecret: Boolean(key.passphrase) })
      // The key replaces the password as the way in; the password leaves the keychain.
      await deps.secrets.delete(serverSecretAccount(serverId, 'password'))
      log(`The server entry now logs in with ${key.path}.`)
    },
    async authMethods() {
      const server = deps.server(serverId)
      const hostKey = deps.hostKey(serverId)
      if (server.proxyJump) throw new HomeportError('FORBIDDEN', 'Checking the login methods through a jump host is not supported.', { hint: 'Turn password login off on the server yourself.' })
      if (!hostKey) throw new HomeportError('HOST_KEY_UNKNOWN', 'The server has no pinned host key yet.')
      return offeredAuthMethods({ host: server.host, port: server.port, user: server.user, hostKey })
    },
    dockerInfo: () => deps.dockerInfo(serverId),
    agentStatus: async () => statusOf(await listInstalled(await session()), bundledAgent()),
    installAgent: async () => agentFor(await session()).install(),
  }
  return ctx
}
