// The one place where a call from any front end (Electron IPC, the web host's WebSocket, tests) becomes a
// core call: the method must exist in the contract, the input must pass its zod schema, and whatever
// happens comes back as the Result envelope. Nothing thrown ever crosses a transport as-is.

import type { z } from 'zod'
import { contract, isMethodName, type CallContext, type CoreHandlers } from '../../../shared/contract/index.js'
import { HomeportError, toErrorInfo, type Result } from '../../../shared/errors.js'

export type Dispatch = (method: unknown, input: unknown, ctx: CallContext) => Promise<Result<unknown>>

/** `servers.add: port: Too big…; host: must be a host name…` — every failing path, named. */
export function describeIssues(method: string, issues: readonly z.core.$ZodIssue[]): string {
  const parts = issues.map((issue) => `${issue.path.length ? issue.path.map(String).join('.') : '(input)'}: ${issue.message}`)
  return `Invalid input for ${method}: ${parts.join('; ')}`
}

export function createDispatch(handlers: CoreHandlers): Dispatch {
  return async (method, input, ctx) => {
    try {
      if (!isMethodName(method)) {
        const shown = typeof method === 'string' ? method.slice(0, 100) : typeof method
        throw new HomeportError('INVALID_INPUT', `Unknown method "${shown}".`, {
          hint: 'Use one of the methods declared in the contract (shared/contract/).',
        })
      }
      const parsed = contract[method].input.safeParse(input === undefined ? {} : input)
      if (!parsed.success) {
        throw new HomeportError('INVALID_INPUT', describeIssues(method, parsed.error.issues), {
          details: JSON.stringify(parsed.error.issues.map((i) => ({ path: i.path.map(String), code: i.code, message: i.message }))),
        })
      }
      const handler = handlers[method] as (input: unknown, ctx: CallContext) => Promise<unknown>
      const value = await handler(parsed.data, ctx)
      return { ok: true, value }
    } catch (err) {
      return { ok: false, error: toErrorInfo(err) }
    }
  }
}
