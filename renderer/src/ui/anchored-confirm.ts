// One confirmation shared by many buttons (every Stop and Restart of a long table): built when a button asks,
// not once per button, so rows stay cheap to draw. The question shows next to the button that asked; the answer
// gives focus back to it.

import { shallowReactive } from 'vue'

export interface ConfirmRequest {
  /** "Stop web? …": the text of the question. */
  question: string
  confirmText: string
  cancelText?: string
  /** The question's test id; its buttons get `${testid}-yes` and `${testid}-no`. */
  testid: string
  /** The button that asked: the question points at it, and focus goes back to it. */
  anchor?: HTMLElement | null
}

export interface AnchoredConfirmState {
  open: boolean
  request: ConfirmRequest | undefined
}

export interface AnswerOptions {
  /** False when the user went elsewhere (a click outside): focus stays where they put it. */
  returnFocus?: boolean
}

export interface AnchoredConfirm {
  readonly state: AnchoredConfirmState
  /** Resolves true when confirmed, false when cancelled or replaced by another question. */
  ask(request: ConfirmRequest): Promise<boolean>
  answer(confirmed: boolean, options?: AnswerOptions): void
}

export function createAnchoredConfirm(): AnchoredConfirm {
  const state = shallowReactive<AnchoredConfirmState>({ open: false, request: undefined })
  let settle: ((confirmed: boolean) => void) | undefined

  function ask(request: ConfirmRequest): Promise<boolean> {
    // Another button asked while a question was up: the first one is a "no", and focus is already on the new one.
    settle?.(false)
    state.request = request
    state.open = true
    return new Promise<boolean>((resolve) => (settle = resolve))
  }

  function answer(confirmed: boolean, options: AnswerOptions = {}): void {
    if (!state.open) return
    const anchor = state.request?.anchor
    const resolve = settle
    settle = undefined
    state.open = false
    if (options.returnFocus !== false && anchor?.isConnected) anchor.focus()
    resolve?.(confirmed)
  }

  return { state, ask, answer }
}
