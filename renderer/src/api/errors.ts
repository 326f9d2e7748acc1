// Every failure the window shows is a HomeportError (code, message, hint), so an alert always has a hint to
// give. Calls to the core already throw one (client.ts unwraps the envelope); anything else — a bug in the
// window itself — becomes INTERNAL, with its own text kept in `details`.

import { HomeportError, toErrorInfo } from '../../../shared/errors.js'

export function asHomeportError(err: unknown): HomeportError {
  return err instanceof HomeportError ? err : HomeportError.from(toErrorInfo(err))
}
