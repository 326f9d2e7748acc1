import { describe, expect, it, vi } from 'vitest'
import { focusFirstField } from './focus-first-field.js'

function dialog(activeInside: 'none' | 'root' | 'field') {
  const first = { focus: vi.fn() }
  const other = { focus: vi.fn() }
  const doc = { activeElement: undefined as unknown }
  const root = {
    ownerDocument: doc,
    contains: (el: unknown) => el === root || el === other,
    querySelector: (selector: string) => (selector === '[data-autofocus]' ? null : first),
  }
  doc.activeElement = activeInside === 'field' ? other : activeInside === 'root' ? root : { outside: true }
  return { root: root as unknown as HTMLElement, first, other }
}

describe('focusFirstField', () => {
  it('focuses the first field when focus is outside the dialog', () => {
    const { root, first } = dialog('none')
    focusFirstField(root)
    expect(first.focus).toHaveBeenCalledOnce()
  })

  it('focuses the first field when only the dialog itself has focus', () => {
    const { root, first } = dialog('root')
    focusFirstField(root)
    expect(first.focus).toHaveBeenCalledOnce()
  })

  it('leaves focus where the user put it once it is on a field inside the dialog', () => {
    const { root, first } = dialog('field')
    focusFirstField(root)
    expect(first.focus).not.toHaveBeenCalled()
  })
})
