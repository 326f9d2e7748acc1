// Undoing a run from its journal alone, then checking the result against the journal. A step the journal
// names may still be under way on the engine (a stop whose answer was lost with the connection finishes
// there anyway), so the rollback first lets those settle; only then does it put things back, and only
// `verifyRun` decides whether the server is as it was. Every action here is harmless when repeated, so a
// rollback cut off half-way is simply run again.

import { setTimeout as delay } from 'node:timers/promises'
import type Docker from 'dockerode'
import { isServerOutOfReach } from '../../connection/connection-lost.js'
import { LABEL } from './container-spec.js'
import { ignoreNotModified } from './apply.js'
import { RUN_LABEL, type ContainerBefore, type EngineJournal } from './journal.js'

export interface RollbackOptions {
  /** How long past a stop's grace period the engine gets to finish it before the rollback goes on. */
  settleMarginMs?: number
  pollMs?: number
  log?: (line: string) => void
}

const isMissing = (err: unknown) => (err as { statusCode?: number })?.statusCode === 404

/** A failure that is not the connection's is kept for the report; a lost connection ends this attempt. */
function keepGoing(problems: string[], what: string) {
  return (err: unknown) => {
    if (isServerOutOfReach(err)) throw err
    if (isMissing(err)) return
    problems.push(`${what}: ${err instanceof Error ? err.message : String(err)}`)
  }
}

const runFilter = (runId: string) => ({ filters: { label: [`${RUN_LABEL}=${runId}`] } })

/** Waits until every stop the run sent has finished on the engine, or could no longer be under way. */
async function settleStops(docker: Docker, journal: EngineJournal, opts: RollbackOptions): Promise<void> {
  const stops = journal.steps.filter((s) => s.op === 'stop')
  await Promise.all(
    stops.map(async (s) => {
      const deadline = s.at + s.graceSeconds * 1000 + (opts.settleMarginMs ?? 5000)
      let told = false
      while (Date.now() < deadline) {
        const info = await docker
          .getContainer(s.id)
          .inspect()
          .catch((err: unknown) => {
            if (isMissing(err)) return undefined
            throw err
          })
        if (!info || (!info.State.Running && !info.State.Restarting)) return
        if (!told) opts.log?.(`Waiting for the stop of ${s.name} sent before the failure to finish (at most ${Math.ceil((deadline - Date.now()) / 1000)} s)`)
        told = true
        await delay(opts.pollMs ?? 250)
      }
    }),
  )
}

async function restoreContainer(docker: Docker, journal: EngineJournal, c: ContainerBefore, problems: string[]): Promise<void> {
  const container = docker.getContainer(c.id)
  const info = await container.inspect().catch((err: unknown) => {
    if (isMissing(err)) return undefined
    throw err
  })
  if (!info) return
  const name = info.Name.replace(/^\//, '')
  if (name !== c.name) await container.rename({ name: c.name }).catch(keepGoing(problems, `rename ${name} back to ${c.name}`))
  const running = info.State.Running || info.State.Restarting
  if (c.running && !running) await container.start().catch(ignoreNotModified).catch(keepGoing(problems, `start ${c.name}`))
  const startedByRun = journal.steps.some((s) => s.op === 'start' && s.id === c.id)
  if (!c.running && running && startedByRun) await container.stop().catch(ignoreNotModified).catch(keepGoing(problems, `stop ${c.name}`))
}

/**
 * Removes what the run created (by its label, so a create whose answer was lost is found too, and nothing
 * of another run is touched) and gives back every container that was there: its name, and running if it ran.
 * Returns the failures that were not the connection's; a lost connection throws, to be retried whole.
 */
export async function rollbackRun(docker: Docker, journal: EngineJournal, opts: RollbackOptions = {}): Promise<string[]> {
  const problems: string[] = []
  await settleStops(docker, journal, opts)
  for (const c of await docker.listContainers({ all: true, ...runFilter(journal.runId) })) {
    const name = (c.Names?.[0] ?? c.Id).replace(/^\//, '')
    await docker.getContainer(c.Id).remove({ force: true, v: false }).catch(keepGoing(problems, `remove ${name}`))
  }
  for (const c of journal.before) await restoreContainer(docker, journal, c, problems)
  for (const n of await docker.listNetworks(runFilter(journal.runId))) {
    await docker.getNetwork(n.Id ?? n.Name).remove().catch(keepGoing(problems, `remove network ${n.Name}`))
  }
  const volumes = await docker.listVolumes(runFilter(journal.runId))
  for (const v of volumes.Volumes ?? []) await docker.getVolume(v.Name).remove().catch(keepGoing(problems, `remove volume ${v.Name}`))
  return problems
}

/** What is not as the journal says it was, one phrase each; empty when the rollback is complete. */
export async function verifyRun(docker: Docker, journal: EngineJournal): Promise<string[]> {
  const differences: string[] = []
  for (const c of journal.before) {
    const info = await docker
      .getContainer(c.id)
      .inspect()
      .catch((err: unknown) => {
        if (isMissing(err)) return undefined
        throw err
      })
    if (!info) {
      differences.push(`container ${c.name} is gone`)
      continue
    }
    const name = info.Name.replace(/^\//, '')
    if (name !== c.name) differences.push(`container ${c.name} is named ${name}`)
    const running = info.State.Running || info.State.Restarting
    if (running !== c.running) differences.push(`container ${c.name} is ${running ? 'running' : `${info.State.Status} (exit code ${info.State.ExitCode})`}; it was ${c.running ? 'running' : 'stopped'}`)
    if (c.imageId && info.Image !== c.imageId) differences.push(`container ${c.name} runs another image`)
    if (c.configHash && info.Config.Labels?.[LABEL.configHash] !== c.configHash) differences.push(`container ${c.name} has another configuration`)
  }
  const filter = runFilter(journal.runId)
  for (const c of await docker.listContainers({ all: true, ...filter })) differences.push(`container ${(c.Names?.[0] ?? c.Id).replace(/^\//, '')} created by this run is still there`)
  for (const n of await docker.listNetworks(filter)) differences.push(`network ${n.Name} created by this run is still there`)
  for (const v of (await docker.listVolumes(filter)).Volumes ?? []) differences.push(`volume ${v.Name} created by this run is still there`)
  return differences
}

/** After a successful run: the containers moved aside (replaced or no longer wanted) are deleted. */
export async function commitRun(docker: Docker, journal: EngineJournal): Promise<void> {
  for (const s of journal.steps) {
    if (s.op !== 'move-aside') continue
    await docker
      .getContainer(s.id)
      .remove({ force: true })
      .catch((err: unknown) => {
        if (!isMissing(err)) throw err
      })
  }
}
