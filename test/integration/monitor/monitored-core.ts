// Shared by the monitoring tests: a core logged in to the test home server with monitoring settings of the
// test's choosing (short intervals, a short grace period), and waiting for what the core pushes.

import type { AlertDto, MethodInput } from '../../../shared/contract/index.js'
import type { HomeServerInfo } from '../../homeserver/types.js'
import { homeServerInput, openTestCore, type TestCore } from '../core/test-core.js'

export const SERVER = 'home'

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls `probe` until it returns something other than undefined or false; fails after `timeoutMs` naming `what`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(100)
  }
}

/**
 * A sampling core with the home server added and monitoring configured before anything samples. Monitoring
 * uses the agent but never installs it (set-up does, with the person's consent): it is installed here first.
 */
export async function monitoredCore(hs: HomeServerInfo, settings: MethodInput<'monitor.configure'>): Promise<TestCore> {
  const t = await openTestCore({ sampling: true })
  await t.call('servers.add', homeServerInput(hs, SERVER))
  await t.call('monitor.configure', settings)
  await t.call('agent.install', { serverId: SERVER })
  return t
}

/** Alerts raised so far about one subject (a container name, a mount point), optionally of one rule. */
export function raisedAbout(t: TestCore, subject: string, rule?: AlertDto['rule']): AlertDto[] {
  return t.of('alert.raised').filter((a) => a.subject === subject && (!rule || a.rule === rule))
}

export function resolvedAbout(t: TestCore, subject: string, rule?: AlertDto['rule']): AlertDto[] {
  return t.of('alert.resolved').filter((a) => a.subject === subject && (!rule || a.rule === rule))
}
