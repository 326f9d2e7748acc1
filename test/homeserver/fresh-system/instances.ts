// Bookkeeping of booted machines, so that a run that crashed (or was killed) leaves nothing behind for
// long: every machine has a state file naming the process that owns it, and the next allocation, under a
// machine-wide lock, tears down every machine whose owner is gone — processes, cgroups, network, files.

import { existsSync, readFileSync } from 'node:fs'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { isAlive, waitUntil } from '../process.js'
import { killAndRemoveCgroups, machineCgroupDirs } from './cgroups.js'
import { withFileLock } from './file-lock.js'
import { networkNamesInUse, subnetTaken, tearDownNetwork } from './network.js'
import { INSTANCES_DIR, INSTANCES_LOCK, MAX_SLOTS, nameOf, slotOf } from './paths.js'
import { removeTree } from './remove-tree.js'

export interface InstanceState {
  name: string
  slot: number
  /** The process whose death makes this machine a leftover, with its start time (pids are reused). */
  ownerPid: number
  ownerStartTime: string
  dir: string
  rootDir: string
  consoleLog: string
  cgroups: string[]
  nspawnPid?: number
}

/** Field 22 of /proc/PID/stat: the start time, which tells a live owner from a new process with its pid. */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
  } catch {
    return undefined
  }
}

function ownerAlive(state: InstanceState): boolean {
  return isAlive(state.ownerPid) && startTimeOf(state.ownerPid) === state.ownerStartTime
}

export async function saveState(state: InstanceState): Promise<void> {
  await writeFile(join(state.dir, 'state.json'), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 })
}

async function readStates(): Promise<{ states: InstanceState[]; orphanDirs: string[] }> {
  const states: InstanceState[] = []
  const orphanDirs: string[] = []
  for (const entry of await readdir(INSTANCES_DIR).catch(() => [] as string[])) {
    const dir = join(INSTANCES_DIR, entry)
    try {
      states.push(JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as InstanceState)
    } catch {
      orphanDirs.push(dir)
    }
  }
  return { states, orphanDirs }
}

/** Whether `pid` is still the nspawn of this machine (and not a later process that got its pid). */
function isOurNspawn(state: InstanceState): boolean {
  if (!state.nspawnPid || !isAlive(state.nspawnPid)) return false
  try {
    return readFileSync(`/proc/${state.nspawnPid}/cmdline`, 'utf8').split('\0').includes(state.rootDir)
  } catch {
    return false
  }
}

/**
 * Powers the machine off (SIGTERM makes nspawn ask the machine's systemd for a clean halt), kills whatever
 * is left in its cgroups, and removes its network and files. Safe to call on any half-started machine.
 */
export async function destroyInstance(state: InstanceState, graceMs = 20_000): Promise<void> {
  const errors: unknown[] = []
  const attempt = async (step: () => Promise<void>): Promise<void> => {
    try {
      await step()
    } catch (error) {
      errors.push(error)
    }
  }
  if (isOurNspawn(state)) {
    try {
      process.kill(state.nspawnPid!, 'SIGTERM')
    } catch {
      // it ended on its own
    }
    await waitUntil(() => !isAlive(state.nspawnPid), graceMs, 100)
  }
  await attempt(() => killAndRemoveCgroups(state.cgroups))
  await attempt(() => tearDownNetwork(state.name))
  if (existsSync(state.dir)) await attempt(() => removeTree(state.dir))
  if (errors.length > 0) throw new AggregateError(errors, `tearing down fresh machine ${state.name} failed`)
}

/** Tears down every machine whose owner is gone, and network pieces no machine owns. Call under the lock. */
async function cleanUpLeftovers(log: (line: string) => void): Promise<InstanceState[]> {
  const { states, orphanDirs } = await readStates()
  const live = states.filter(ownerAlive)
  for (const state of states.filter((candidate) => !ownerAlive(candidate))) {
    log(`removing fresh machine ${state.name} left by process ${state.ownerPid}`)
    await destroyInstance(state, 5_000)
  }
  // A dir without a state file never got a machine: the state is written before anything is started.
  for (const dir of orphanDirs) await removeTree(dir)
  const liveNames = new Set(live.map((state) => state.name))
  for (const name of await networkNamesInUse()) {
    if (!liveNames.has(name) && slotOf(name) !== undefined) await tearDownNetwork(name)
  }
  return live
}

/** Reserves a slot (name, addresses, dirs) for a new machine owned by this process. */
export function allocateInstance(log: (line: string) => void = () => {}): Promise<InstanceState> {
  return withFileLock(INSTANCES_LOCK, 'exclusive', async () => {
    const live = await cleanUpLeftovers(log)
    const used = new Set(live.map((state) => state.slot))
    let slot: number | undefined
    for (let candidate = 0; candidate < MAX_SLOTS && slot === undefined; candidate++) {
      if (!used.has(candidate) && !(await subnetTaken(candidate))) slot = candidate
    }
    if (slot === undefined) {
      throw new Error(
        `no free slot for a fresh machine: ${used.size} of ${MAX_SLOTS} are in use (see ${INSTANCES_DIR}), ` +
          'the others are routed by something else on this host (ip route show 10.213.128.0/18)',
      )
    }
    const name = nameOf(slot)
    const dir = join(INSTANCES_DIR, name)
    await mkdir(dir, { recursive: true, mode: 0o700 })
    const state: InstanceState = {
      name,
      slot,
      ownerPid: process.pid,
      ownerStartTime: startTimeOf(process.pid) ?? '',
      dir,
      rootDir: join(dir, 'rootfs'),
      consoleLog: join(dir, 'console.log'),
      cgroups: await machineCgroupDirs(name),
    }
    await saveState(state)
    return state
  })
}

/** Removes every leftover machine now (for `cli.ts clean`); machines of live processes are kept. */
export async function cleanUpNow(log: (line: string) => void): Promise<number> {
  return withFileLock(INSTANCES_LOCK, 'exclusive', async () => (await cleanUpLeftovers(log)).length)
}
