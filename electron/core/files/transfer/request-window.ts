// How many read or write requests a job keeps in flight over the connection at once, across all its files:
// enough to hide the round trip (measured: 16 requests of 255 KiB carry one file at the channel's speed),
// few enough that the memory held in flight stays at a few MiB.

export class RequestWindow {
  private free: number
  private readonly waiting: Array<() => void> = []

  constructor(size: number) {
    this.free = size
  }

  async take(signal: AbortSignal): Promise<void> {
    if (this.free > 0) {
      this.free--
      return
    }
    await new Promise<void>((resolve, reject) => {
      const grant = (): void => {
        signal.removeEventListener('abort', onAbort)
        resolve()
      }
      const onAbort = (): void => {
        const i = this.waiting.indexOf(grant)
        if (i >= 0) this.waiting.splice(i, 1)
        reject(signal.reason)
      }
      if (signal.aborted) return reject(signal.reason)
      signal.addEventListener('abort', onAbort, { once: true })
      this.waiting.push(grant)
    })
  }

  give(): void {
    const next = this.waiting.shift()
    if (next) next()
    else this.free++
  }
}

/** The largest read or write one SFTP request may carry on this channel (OpenSSH announces 255 KiB). */
export function requestSize(sftp: object, which: 'read' | 'write'): number {
  const limits = sftp as { _maxReadLen?: number; _maxWriteLen?: number }
  const max = which === 'read' ? limits._maxReadLen : limits._maxWriteLen
  return Math.max(4096, Math.min(255 * 1024, typeof max === 'number' && max > 0 ? max : 32 * 1024))
}
