// sshd allows only MaxSessions (default 10) session channels (exec, shell, sftp) per connection and refuses
// the rest with the same "Channel open failure" as any other refusal. Queuing them here turns a burst of
// calls into a short wait instead of random failures. Stream-local and TCP forwards are not sessions.

export class SessionSlots {
  private inUse = 0
  private readonly waiters: Array<() => void> = []

  constructor(private readonly limit: number) {}

  async take(signal?: AbortSignal): Promise<() => void> {
    if (this.inUse >= this.limit) {
      await new Promise<void>((resolve, reject) => {
        const grant = (): void => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        }
        const onAbort = (): void => {
          const i = this.waiters.indexOf(grant)
          if (i >= 0) this.waiters.splice(i, 1)
          reject(signal?.reason)
        }
        if (signal?.aborted) return reject(signal.reason)
        signal?.addEventListener('abort', onAbort, { once: true })
        this.waiters.push(grant)
      })
    } else {
      this.inUse++
    }
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.waiters.shift()
      // The slot passes straight to the next waiter, so inUse stays the same.
      if (next) next()
      else this.inUse--
    }
  }
}
