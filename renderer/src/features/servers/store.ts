import { defineStore } from 'pinia'
import { computed, reactive, ref, toRef } from 'vue'
import type { HostKeyProbe, KeyFileCheck, MethodInput, ServerDto, ServerStateEvent, SshConfigHostDto } from '../../../../shared/contract/index.js'
import { HomeportError } from '../../../../shared/errors.js'
import { useApi } from '../../api/client.js'
import { runAsync, type AsyncState } from '../../ui/use-async.js'

export type ServerAddInput = MethodInput<'servers.add'>

export const useServersStore = defineStore('servers', () => {
  const api = useApi()
  const servers = ref<ServerDto[]>([])
  const states = ref<Record<string, ServerStateEvent>>({})
  const sshConfigHosts = ref<SshConfigHostDto[]>([])
  const listing = reactive<AsyncState>({ loading: false, error: undefined })
  const loaded = ref(false)

  const sorted = computed(() => [...servers.value].sort((a, b) => a.name.localeCompare(b.name)))

  api.on('server.state', (event) => {
    states.value = { ...states.value, [event.serverId]: event }
  })
  api.onReconnect(() => {
    void load()
  })

  function stateOf(serverId: string): ServerStateEvent {
    return states.value[serverId] ?? { serverId, state: 'offline' }
  }

  function byId(serverId: string): ServerDto | undefined {
    return servers.value.find((s) => s.id === serverId)
  }

  async function load(): Promise<void> {
    await runAsync(
      listing,
      async () => {
        const [list, current] = await Promise.all([api.call('servers.list', {}), api.call('servers.states', {})])
        servers.value = list
        const next: Record<string, ServerStateEvent> = {}
        for (const s of current) next[s.serverId] = s
        // Results and events share one ordered channel, so this snapshot is newer than any event before it.
        states.value = next
      },
      { keepError: true },
    )
    loaded.value = true
  }

  async function loadSshConfigHosts(): Promise<SshConfigHostDto[]> {
    sshConfigHosts.value = await api.call('sshConfig.hosts', {})
    return sshConfigHosts.value
  }

  function probeHostKey(input: MethodInput<'servers.probeHostKey'>): Promise<HostKeyProbe> {
    return api.call('servers.probeHostKey', input)
  }

  /** A private key file checked on the core's computer before anything connects (KEY_INVALID when missing). */
  function checkKeyFile(path: string, passphrase?: string): Promise<KeyFileCheck> {
    return api.call('servers.checkKeyFile', { path, ...(passphrase ? { passphrase } : {}) })
  }

  async function add(input: ServerAddInput): Promise<ServerDto> {
    const server = await api.call('servers.add', input)
    servers.value = [...servers.value.filter((s) => s.id !== server.id), server]
    return server
  }

  async function remove(serverId: string): Promise<void> {
    await api.call('servers.remove', { id: serverId })
    servers.value = servers.value.filter((s) => s.id !== serverId)
    const { [serverId]: _gone, ...rest } = states.value
    states.value = rest
  }

  /** Connects and throws the connection's error (AUTH_FAILED, UNREACHABLE…) when it does not become ready. */
  async function connect(serverId: string): Promise<ServerStateEvent> {
    const state = await api.call('servers.connect', { id: serverId })
    states.value = { ...states.value, [serverId]: state }
    if (state.state !== 'ready' && state.error) throw HomeportError.from(state.error)
    return state
  }

  /** Pins a new host key (after a reinstall); the core refuses a key the server does not present. */
  async function replaceHostKey(serverId: string, hostKey: string): Promise<ServerDto> {
    const server = await api.call('servers.replaceHostKey', { id: serverId, hostKey })
    servers.value = servers.value.map((s) => (s.id === server.id ? server : s))
    return server
  }

  async function disconnect(serverId: string): Promise<void> {
    await api.call('servers.disconnect', { id: serverId })
  }

  const loadError = toRef(listing, 'error')
  return { servers, sorted, states, sshConfigHosts, loaded, loadError, stateOf, byId, load, loadSshConfigHosts, probeHostKey, checkKeyFile, add, remove, connect, disconnect, replaceHostKey }
})
