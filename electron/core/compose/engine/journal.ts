// What one apply run did to the engine, recorded before each step is taken, so that the run can be undone
// from the record alone: in this process after a failure, or later, by any Homeport, after this one was cut
// off. A step is written down before it is sent, so the record may name a step the engine never saw; every
// undo is therefore written to be harmless when its step did not happen.

/** Label carried by every container, network and volume a run creates: a rollback removes only its own. */
export const RUN_LABEL = 'io.homeport.run'

/** Suffix of a container moved aside for a recreate or a removal, until the run commits or rolls back. */
export const ASIDE_SUFFIX = '-homeport-previous'

/** A container that existed when the run was planned, as it was: what a rollback must give back. */
export interface ContainerBefore {
  id: string
  name: string
  service: string
  running: boolean
  imageId?: string
  configHash?: string
}

export type EngineStep =
  | { op: 'create-network'; name: string }
  | { op: 'create-volume'; name: string }
  /** `at`: when the stop was sent (ms since the epoch); the engine finishes it within `graceSeconds` even if the answer is lost. */
  | { op: 'stop'; id: string; name: string; graceSeconds: number; at: number }
  | { op: 'move-aside'; id: string; name: string }
  | { op: 'create-container'; service: string; name: string }
  | { op: 'start'; id: string; name: string }

export interface EngineJournal {
  runId: string
  project: string
  before: ContainerBefore[]
  steps: EngineStep[]
}

export function asideName(name: string): string {
  return `${name}${ASIDE_SUFFIX}`
}

/** One line per step, for the job log and for telling the person what a run left behind. */
export function describeStep(step: EngineStep): string {
  switch (step.op) {
    case 'create-network':
      return `network ${step.name} created`
    case 'create-volume':
      return `volume ${step.name} created`
    case 'stop':
      return `${step.name} stopped`
    case 'move-aside':
      return `${step.name} moved aside as ${asideName(step.name)}`
    case 'create-container':
      return `container ${step.name} created`
    case 'start':
      return `${step.name} started`
  }
}
