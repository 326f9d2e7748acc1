// Docker's `/events` stream for containers, read as what each event means for a container list: the container
// is gone (`destroy`), it may have changed (create, start, die, rename, health…), or nothing a list shows
// changed (exec, attach, resize, archive reads). The stream is JSON objects one a line, cut anywhere by the
// transport, so lines are joined back before they are read.

export type ContainerEventEffect = { id: string; effect: 'removed' | 'changed' }

// Actions that leave the list entry as it was: reading it costs a call for nothing.
const UNCHANGED = new Set(['attach', 'detach', 'resize', 'top', 'archive-path', 'extract-to-dir', 'export', 'commit', 'copy', 'exec_create', 'exec_start', 'exec_die', 'exec_detach'])

interface RawEvent {
  Type?: string
  Action?: string
  status?: string
  id?: string
  Actor?: { ID?: string }
}

/** What one event means for the list; undefined when it changes nothing a list shows. */
export function effectOf(event: RawEvent): ContainerEventEffect | undefined {
  if (event.Type !== undefined && event.Type !== 'container') return undefined
  const id = event.Actor?.ID ?? event.id
  // "exec_start: sh -c …" and "health_status: healthy" carry a detail after the action's name.
  const action = (event.Action ?? event.status ?? '').split(':')[0].trim()
  if (!id || !action || UNCHANGED.has(action)) return undefined
  return { id, effect: action === 'destroy' ? 'removed' : 'changed' }
}

/** Joins the stream's chunks back into events and hands each effect to `onEffect`. */
export function containerEventReader(onEffect: (effect: ContainerEventEffect) => void): (chunk: Buffer | string) => void {
  let rest = ''
  return (chunk) => {
    const lines = (rest + chunk.toString()).split('\n')
    rest = lines.pop() ?? ''
    for (const line of lines) {
      if (!line.trim()) continue
      let event: RawEvent
      try {
        event = JSON.parse(line) as RawEvent
      } catch {
        continue
      }
      const effect = effectOf(event)
      if (effect) onEffect(effect)
    }
  }
}
