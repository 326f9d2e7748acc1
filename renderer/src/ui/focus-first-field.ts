/**
 * Focuses the element marked `data-autofocus` inside a dialog, else its first field, else its first button —
 * unless focus is already inside the dialog: it runs once the opening transition ends, and by then a quick
 * user (or a loaded machine's late transition) may have clicked into another field, whose typing would
 * otherwise land in the first one.
 */
export function focusFirstField(root: HTMLElement | null | undefined): void {
  const active = root?.ownerDocument?.activeElement
  if (root && active && active !== root && root.contains(active)) return
  const chosen = root?.querySelector<HTMLElement>('[data-autofocus]')
  const field = chosen ?? root?.querySelector<HTMLElement>('input:not([type=hidden]):not([disabled]), textarea:not([disabled]), [role=switch], [tabindex="0"]')
  ;(field ?? root?.querySelector<HTMLElement>('button:not([disabled])'))?.focus()
}
