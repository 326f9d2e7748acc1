// The servers part of the contract (and app.info, sshConfig.hosts): bound to the servers service and the
// live sessions.

import type { HandlersFor, ServerStateEvent } from '../../../shared/contract/index.js'
import type { serversContract } from '../../../shared/contract/servers.js'
import type { SshConfigFile } from '../connection/ssh-config.js'
import { APP_VERSION } from '../runtime/app-version.js'
import { secretStoreKind, secretsWarning } from '../runtime/lazy-secret-store.js'
import type { SecretStore } from '../runtime/types.js'
import type { ServersRepo } from '../store/servers-repo.js'
import type { ServersService } from './servers-service.js'
import type { Sessions } from './sessions.js'

export function serversHandlers(deps: {
  servers: ServersService
  sessions: Sessions
  repo: ServersRepo
  sshConfig: SshConfigFile
  secrets: SecretStore
  dataDir: string
}): HandlersFor<typeof serversContract> {
  const { servers, sessions, repo, sshConfig } = deps
  const idOf = (idOrName: string) => servers.find(idOrName).id
  return {
    'app.info': async () => {
      const secretStore = await secretStoreKind(deps.secrets)
      const warning = secretsWarning(deps.secrets)
      return { version: APP_VERSION, secretStore, dataDir: deps.dataDir, ...(warning ? { secretsWarning: warning } : {}) }
    },

    'servers.list': async () => servers.list(),
    'servers.add': async (input) => servers.add(input),
    'servers.remove': async ({ id }) => servers.remove(id),
    'servers.get': async ({ id }) => servers.toDto(servers.find(id)),
    'servers.probeHostKey': async (input) => servers.probeHostKey(input),
    // ssh2 parses the key: loaded with the first check, as with the first connection.
    'servers.checkKeyFile': async ({ path, passphrase }) => (await import('../connection/key-file.js')).checkKeyFile(path, passphrase),
    'servers.replaceHostKey': async ({ id, hostKey }) => servers.replaceHostKey(id, hostKey),
    'servers.connect': async ({ id }) => sessions.connect(idOf(id)),
    'servers.disconnect': async ({ id }) => sessions.drop(idOf(id)),
    'servers.test': async ({ id }) => {
      const server = servers.find(id)
      const session = await sessions.session(server.id)
      // Independent checks go out together: over a real link each one in turn would cost its round trips again.
      const [latencyMs, info] = await Promise.all([sessions.roundTripMs(server.id), sessions.docker(server.id).then((docker) => docker.info({ counts: false }))])
      return {
        name: server.name,
        hostKey: session.hostKey?.fingerprint ?? repo.hostKey(server.id)?.fingerprint ?? '',
        latencyMs,
        docker: { version: info.version, apiVersion: info.apiVersion, socket: info.socket, transport: info.transport },
      }
    },
    'servers.states': async () => repo.list().map((s): ServerStateEvent => sessions.state(s.id)),

    'sshConfig.hosts': async () => sshConfig.listHosts(),
  }
}
