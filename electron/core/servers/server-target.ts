// Turns a stored server into what the connection engine needs. Secrets are fetched lazily from the
// keychain at connect time, so they never sit in config objects, logs or events.

import type { AuthMethod } from '../../../shared/contract/index.js'
import type { Prompter, SecretStore } from '../runtime/types.js'
import { parseJumpSpec, type SshConfigFile } from '../connection/ssh-config.js'
import type { SshTarget } from '../connection/types.js'
import { serverSecretAccount, type SecretKind } from '../secrets/accounts.js'
import type { ServerRecord } from '../store/servers-repo.js'

export function secretKindFor(authMethod: AuthMethod): SecretKind | undefined {
  if (authMethod === 'key') return 'passphrase'
  if (authMethod === 'password' || authMethod === 'keyboard-interactive') return 'password'
  return undefined
}

export interface TargetDeps {
  secrets: SecretStore
  prompts: Prompter
  sshConfig: SshConfigFile
}

function secretGetter(server: ServerRecord, deps: TargetDeps): (() => Promise<string | undefined>) | undefined {
  const kind = secretKindFor(server.authMethod)
  if (!kind) return undefined
  const account = serverSecretAccount(server.id, kind)
  return async () => {
    const stored = await deps.secrets.get(account)
    if (stored !== undefined) return stored
    // A secret that is not stored (no keychain, so it lived in memory until the last exit) is asked for, never
    // guessed. A passphrase is only asked for when the key turns out to have one.
    const answer = await deps.prompts.ask(
      kind === 'password'
        ? { kind: 'password', serverId: server.id, title: `Password for ${server.user}@${server.host}`, message: `Enter the SSH password of ${server.user} on ${server.name}.` }
        : { kind: 'passphrase', serverId: server.id, title: `Passphrase for ${server.identityFile ?? 'the key'}`, message: `Enter the passphrase of the key ${server.identityFile ?? ''} that logs in to ${server.name}.` },
    )
    return typeof answer === 'string' ? answer : undefined
  }
}

/** Jump hosts from a ProxyJump string, authenticated like the server itself (same user unless given). */
export function jumpTargets(proxyJump: string | undefined, server: Pick<ServerRecord, 'user' | 'authMethod' | 'identityFile'>, getSecret?: () => Promise<string | undefined>): SshTarget[] {
  if (!proxyJump) return []
  return proxyJump.split(',').map((hop) => {
    const spec = parseJumpSpec(hop)
    return {
      host: spec.host,
      port: spec.port ?? 22,
      user: spec.user ?? server.user,
      authMethod: server.authMethod,
      ...(server.identityFile ? { identityFile: server.identityFile } : {}),
      ...(getSecret ? { getSecret } : {}),
    }
  })
}

/** The full target for connecting: pinned key set, jumps resolved (through ~/.ssh/config when the server came from it). */
export async function targetForServer(
  server: ServerRecord,
  pinnedFingerprint: string | undefined,
  deps: TargetDeps,
  confirmHostKey?: SshTarget['confirmHostKey'],
): Promise<SshTarget> {
  const getSecret = secretGetter(server, deps)
  let jumps = jumpTargets(server.proxyJump, server, getSecret)
  if (server.sshConfigHost) {
    const fromConfig = await deps.sshConfig.resolveTarget(server.sshConfigHost)
    // The config resolves each hop through its own Host entries (user, key, nested ProxyJump).
    if (fromConfig.jumps?.length) jumps = fromConfig.jumps
  }
  return {
    host: server.host,
    port: server.port,
    user: server.user,
    authMethod: server.authMethod,
    ...(server.identityFile ? { identityFile: server.identityFile } : {}),
    ...(getSecret ? { getSecret } : {}),
    ...(pinnedFingerprint ? { hostKey: pinnedFingerprint } : {}),
    ...(jumps.length ? { jumps } : {}),
    ...(confirmHostKey ? { confirmHostKey } : {}),
  }
}
