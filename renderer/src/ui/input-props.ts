import type { InputHTMLAttributes } from 'vue'

/** Attributes for the <input> inside a Naive UI field: a test id for e2e tests, and no browser autofill. */
export function inputProps(testid: string): InputHTMLAttributes {
  return { autocomplete: 'off', 'data-testid': testid } as InputHTMLAttributes
}
