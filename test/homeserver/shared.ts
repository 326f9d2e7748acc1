// The parts of the home server that exist once per machine — the Docker engine, the registry, the two
// users and the client keys — are shared by every run that is up at the same time (several test runs
// may overlap on one machine). Each run registers as a holder; the last holder out tears them down, and a
// holder whose process died is dropped (and its run's processes stopped) by the next run that comes in.

import { chmodSync, existsSync, mkdirSync } from 'node:fs'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { dockerHostOf, startEngine, stopEngine, type EngineState } from './engine.js'
import { withMachineLock } from './lock.js'
import { NO_DOCKER_USER, PRIVATE_DIR, SHARED_DIR, STATE_FILE, STATE_ROOT, TEST_USER } from './paths.js'
import { isAlive, teardownSteps } from './process.js'
import { IMAGE_SEED_VERSION, seedImages, startRegistry, stopRegistry, type RegistryState } from './registry.js'
import { ensureUser, generateClientKeys, randomSecret, removeUser, type ClientKeys } from './users.js'

export interface Holder {
  /** The run's work dir; unique per run. */
  workDir: string
  /** Process that keeps the run alive; null for a run started by hand (`cli.ts up`) until `down`. */
  pid: number | null
}

export interface SharedState {
  holders: Holder[]
  engine?: EngineState
  registry?: RegistryState
  keys?: ClientKeys
  password?: string
  noDockerPassword?: string
}

export interface SharedParts {
  engine: EngineState
  registry: RegistryState
  keys: ClientKeys
  password: string
  noDockerPassword: string
}

async function readState(): Promise<SharedState | undefined> {
  try {
    return JSON.parse(await readFile(STATE_FILE, 'utf8')) as SharedState
  } catch {
    return undefined
  }
}

function makeSharedDirs(): void {
  // Other users must reach the engine socket inside SHARED_DIR; only PRIVATE_DIR is closed.
  mkdirSync(SHARED_DIR, { recursive: true, mode: 0o755 })
  chmodSync(SHARED_DIR, 0o755)
  mkdirSync(PRIVATE_DIR, { recursive: true, mode: 0o700 })
  chmodSync(PRIVATE_DIR, 0o700)
}

async function writeState(state: SharedState): Promise<void> {
  makeSharedDirs()
  await writeFile(STATE_FILE, JSON.stringify(state, null, 2), { mode: 0o600 })
}

function holderAlive(holder: Holder): boolean {
  return (holder.pid === null || isAlive(holder.pid)) && existsSync(holder.workDir)
}

/**
 * Registers `holder` and returns the shared parts, starting them if no live run holds them.
 * `onStaleRun` stops the processes of a run whose holder died.
 */
export function acquireShared(holder: Holder, onStaleRun: (workDir: string) => Promise<void>): Promise<SharedParts> {
  return withMachineLock(async () => {
    let state = (await readState()) ?? { holders: [] }
    const stale = state.holders.filter((entry) => !holderAlive(entry))
    for (const entry of stale) await onStaleRun(entry.workDir)
    state.holders = state.holders.filter(holderAlive)

    if (state.holders.length === 0 || !isComplete(state)) {
      await tearDownShared(state)
      state = { holders: [] }
      await writeState(state)
      try {
        state = { holders: [], ...(await startShared(state)) }
      } catch (error) {
        await tearDownShared(state)
        throw error
      }
    } else if (state.registry!.seedVersion !== IMAGE_SEED_VERSION) {
      state.registry!.images = await seedImages(state.engine!.dockerHost, state.registry!.address)
      state.registry!.seedVersion = IMAGE_SEED_VERSION
    }
    state.holders.push(holder)
    await writeState(state)
    return state as SharedParts & SharedState
  })
}

export function releaseShared(workDir: string): Promise<void> {
  return withMachineLock(async () => {
    const state = await readState()
    if (!state) return
    state.holders = state.holders.filter((entry) => entry.workDir !== workDir && holderAlive(entry))
    if (state.holders.length > 0) {
      await writeState(state)
      return
    }
    await tearDownShared(state)
  })
}

function isComplete(state: SharedState): state is SharedState & SharedParts {
  return Boolean(state.engine && state.registry && state.keys && state.password && state.noDockerPassword)
}

/** Fills `state` step by step (and saves it), so a failure half-way can tear down exactly what started. */
async function startShared(state: SharedState): Promise<SharedParts> {
  makeSharedDirs()
  const [engine, keys] = await Promise.all([startEngine(), generateClientKeys()])
  state.engine = engine
  state.keys = keys
  await writeState(state)

  state.registry = await startRegistry()
  await writeState(state)
  state.registry.images = await seedImages(engine.dockerHost, state.registry.address)
  state.registry.seedVersion = IMAGE_SEED_VERSION

  state.password = randomSecret()
  state.noDockerPassword = randomSecret()
  await writeState(state)
  // Both users accept every client key and see the engine through DOCKER_HOST; only one may use its socket.
  const common = { authorizedKeyFiles: [keys.ed25519, keys.ecdsa, keys.rsa, keys.encrypted], dockerHost: dockerHostOf(engine.socket) }
  await ensureUser({ ...common, name: TEST_USER, password: state.password, inDockerGroup: true })
  await ensureUser({ ...common, name: NO_DOCKER_USER, password: state.noDockerPassword, inDockerGroup: false })
  await writeState(state)
  return state as SharedParts
}

/** Stops whatever the state names and removes every fixed location, known to the state or not. */
async function tearDownShared(state: SharedState): Promise<void> {
  const { attempt, finish } = teardownSteps('tearing down the shared test home server parts')
  await attempt(() => removeUser(TEST_USER))
  await attempt(() => removeUser(NO_DOCKER_USER))
  await attempt(() => stopRegistry(state.registry))
  // stopEngine without a pid still clears a stale engine's bridge, mounts and dirs via startEngine's checks.
  if (state.engine) await attempt(() => stopEngine(state.engine!))
  await attempt(() => rm(PRIVATE_DIR, { recursive: true, force: true }))
  await attempt(() => removeSharedDirs())
  finish()
}

async function removeSharedDirs(): Promise<void> {
  await rm(SHARED_DIR, { recursive: true, force: true })
  await rm(STATE_ROOT, { recursive: true, force: true })
}
