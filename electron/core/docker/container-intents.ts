// Containers the core itself stopped, killed, restarted or removed lately, per SSH session (so per server):
// monitoring reads it to tell Homeport's own work — an update replacing a container, an app stopped from
// the window or the CLI — from a container that died by itself. Every such call goes through dockerAccess,
// which notes it here.

/** How long a note counts: longer than any stop grace period plus Docker's event delay. */
const NOTE_MS = 60_000

/** dockerode container methods that end a container's process. */
export const CONTAINER_STOPPING_CALLS = new Set(['stop', 'kill', 'restart', 'remove'])

export class ContainerIntents {
  private readonly notes = new Map<string, number>()

  /** `ref` as the caller named the container: a full or short id, or a name. */
  note(ref: string, now = Date.now()): void {
    if (!ref) return
    for (const [r, at] of this.notes) if (now - at > NOTE_MS) this.notes.delete(r)
    this.notes.set(ref.replace(/^\//, ''), now)
  }

  /**
   * Whether the core stopped the container with this id and name within the last minute. A note explains one
   * exit only: it is used up here, so a crash after Homeport stopped and started the container again counts.
   */
  takeExpected(id: string, name: string, now = Date.now()): boolean {
    let found = false
    for (const [ref, at] of this.notes) {
      if (ref !== name && !(/^[0-9a-f]{12,64}$/.test(ref) && id.startsWith(ref))) continue
      this.notes.delete(ref)
      if (now - at <= NOTE_MS) found = true
    }
    return found
  }
}

const bySession = new WeakMap<object, ContainerIntents>()

/** The one record of a session (the key is the SshSession the DockerService runs on). */
export function intentsFor(session: object): ContainerIntents {
  let intents = bySession.get(session)
  if (!intents) bySession.set(session, (intents = new ContainerIntents()))
  return intents
}
