import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { AlertDto, AlertPrefsDto, AlertsSummaryDto, MuteDto } from '../../../../shared/contract/index.js'
import { useApi } from '../../api/client.js'
import { runAsync, type AsyncState } from '../../ui/use-async.js'

const PAGE = 100

/** A mute still in force at `now` (the core drops the ones that ran out whenever it writes). */
function active(mute: MuteDto, now: number): boolean {
  return mute.until === undefined || Date.parse(mute.until) > now
}

export const useAlertsStore = defineStore('alerts', () => {
  const api = useApi()
  /** The history, newest first, kept live from the alert events. */
  const alerts = ref<AlertDto[]>([])
  const summary = ref<AlertsSummaryDto>({ unread: 0, open: 0 })
  const prefs = ref<AlertPrefsDto>({ mutes: [] })
  const state = ref<AsyncState>({ loading: false })
  const loaded = ref(false)
  /** Whether older alerts may be left to fetch (the last page came back full). */
  const more = ref(false)

  function upsert(alert: AlertDto): void {
    const at = alerts.value.findIndex((a) => a.id === alert.id)
    if (at >= 0) alerts.value[at] = alert
    else alerts.value = [alert, ...alerts.value].sort((a, b) => b.raisedAt.localeCompare(a.raisedAt))
  }

  api.on('alert.raised', upsert)
  api.on('alert.updated', upsert)
  api.on('alert.resolved', upsert)
  api.on('alerts.summary', (next) => {
    summary.value = next
  })
  api.onReconnect(() => {
    if (loaded.value) void load({ background: true })
  })

  async function load(options: { background?: boolean } = {}): Promise<void> {
    const answers = await runAsync(
      state.value,
      () => Promise.all([api.call('alerts.list', { limit: PAGE }), api.call('alerts.summary', {}), api.call('alerts.prefs', {})]),
      { keepError: options.background },
    )
    if (!answers) return
    ;[alerts.value, summary.value, prefs.value] = answers
    more.value = answers[0].length === PAGE
    loaded.value = true
  }

  /** The next page of older alerts, after the oldest one shown. */
  async function loadOlder(): Promise<void> {
    const oldest = alerts.value.at(-1)
    if (!oldest) return
    const older = await api.call('alerts.list', { limit: PAGE, before: oldest.raisedAt })
    const known = new Set(alerts.value.map((a) => a.id))
    alerts.value = [...alerts.value, ...older.filter((a) => !known.has(a.id))]
    more.value = older.length === PAGE
  }

  const unread = computed(() => summary.value.unread)

  /** Marks the given alerts read, or all of them. */
  async function markRead(ids?: string[]): Promise<void> {
    summary.value = await api.call('alerts.markRead', ids ? { ids } : {})
    const marked = ids ? new Set(ids) : undefined
    alerts.value = alerts.value.map((a) => (!marked || marked.has(a.id) ? { ...a, read: true } : a))
  }

  async function dismiss(id: string): Promise<void> {
    upsert(await api.call('alerts.resolve', { id }))
  }

  async function mute(serverId: string, app?: string, minutes?: number): Promise<void> {
    prefs.value = await api.call('alerts.mute', { serverId, ...(app ? { app } : {}), ...(minutes ? { minutes } : {}) })
  }

  async function unmute(serverId: string, app?: string): Promise<void> {
    prefs.value = await api.call('alerts.unmute', { serverId, ...(app ? { app } : {}) })
  }

  async function doNotDisturb(on: boolean, minutes?: number): Promise<void> {
    prefs.value = await api.call('alerts.doNotDisturb', { on, ...(on && minutes ? { minutes } : {}) })
  }

  /** The mute in force for this server (app absent) or this app, if any. */
  function muteOf(serverId: string, app?: string, now = Date.now()): MuteDto | undefined {
    return prefs.value.mutes.find((m) => m.serverId === serverId && m.app === app && active(m, now))
  }

  function doNotDisturbOn(now = Date.now()): boolean {
    return prefs.value.doNotDisturbUntil !== undefined && Date.parse(prefs.value.doNotDisturbUntil) > now
  }

  return { alerts, summary, prefs, state, loaded, more, unread, load, loadOlder, markRead, dismiss, mute, unmute, doNotDisturb, muteOf, doNotDisturbOn }
})
