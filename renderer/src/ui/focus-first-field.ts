/** Focuses the element marked `data-autofocus` inside a dialog, else its first field, else its first button. */
export function focusFirstField(root: HTMLElement | null | undefined): void {
  const chosen = root?.querySelector<HTMLElement>('[data-autofocus]')
  const field = chosen ?? root?.querySelector<HTMLElement>('input:not([type=hidden]):not([disabled]), textarea:not([disabled]), [role=switch], [tabindex="0"]')
  ;(field ?? root?.querySelector<HTMLElement>('button:not([disabled])'))?.focus()
}
