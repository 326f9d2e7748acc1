// Parts of the core that load on first use. A command that lists servers must not pay for ssh2, dockerode,
// the compose engine, the catalogs or the keychain: each is behind a dynamic import() that runs the first
// time something asks for it, so their modules are neither read nor evaluated before then.

import type { CoreHandlers, MethodName } from '../../../shared/contract/index.js'

export class Lazy<T> {
  private value: T | undefined
  private loading: Promise<T> | undefined

  constructor(private readonly load: () => Promise<T>) {}

  /** Loads on the first call (a failed load is tried again on the next one). */
  get(): Promise<T> {
    this.loading ??= this.load().then(
      (value) => (this.value = value),
      (err: unknown) => {
        this.loading = undefined
        throw err
      },
    )
    return this.loading
  }

  /** The value if it has loaded; never starts a load. */
  get loaded(): T | undefined {
    return this.value
  }

  /** The value once a load already under way has finished, else undefined: for closing what was opened. */
  async settled(): Promise<T | undefined> {
    if (!this.loading) return undefined
    return this.loading.catch(() => undefined)
  }
}

/** The handlers of some methods, built on their first call: each call waits for `build` and delegates. */
export function lazyHandlers<M extends MethodName>(methods: readonly M[], build: () => Promise<Pick<CoreHandlers, M>>): Pick<CoreHandlers, M> {
  const table = new Lazy(build)
  const handlers = {} as Record<M, (input: never, ctx: never) => Promise<unknown>>
  for (const method of methods) {
    handlers[method] = async (input, ctx) => {
      const real = (await table.get())[method] as (input: never, ctx: never) => Promise<unknown>
      return real(input, ctx)
    }
  }
  return handlers as unknown as Pick<CoreHandlers, M>
}
