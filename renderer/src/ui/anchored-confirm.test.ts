import { describe, expect, it, vi } from 'vitest'
import { createAnchoredConfirm } from './anchored-confirm.js'

function button(connected = true): HTMLElement {
  return { focus: vi.fn(), isConnected: connected } as unknown as HTMLElement
}

describe('createAnchoredConfirm', () => {
  it('is closed until a button asks, then shows that question', () => {
    const confirm = createAnchoredConfirm()
    expect(confirm.state).toEqual({ open: false, request: undefined })
    void confirm.ask({ question: 'Stop web?', confirmText: 'Stop', testid: 'q' })
    expect(confirm.state.open).toBe(true)
    expect(confirm.state.request?.question).toBe('Stop web?')
  })

  it('resolves true on confirm and gives focus back to the button that asked', async () => {
    const confirm = createAnchoredConfirm()
    const anchor = button()
    const asked = confirm.ask({ question: 'Stop web?', confirmText: 'Stop', testid: 'q', anchor })
    confirm.answer(true)
    await expect(asked).resolves.toBe(true)
    expect(confirm.state.open).toBe(false)
    expect(anchor.focus).toHaveBeenCalledOnce()
  })

  it('resolves false on cancel; a click elsewhere leaves focus where the user put it', async () => {
    const confirm = createAnchoredConfirm()
    const anchor = button()
    const cancelled = confirm.ask({ question: 'Stop web?', confirmText: 'Stop', testid: 'q', anchor })
    confirm.answer(false)
    await expect(cancelled).resolves.toBe(false)
    expect(anchor.focus).toHaveBeenCalledOnce()

    const outside = confirm.ask({ question: 'Stop web?', confirmText: 'Stop', testid: 'q', anchor })
    confirm.answer(false, { returnFocus: false })
    await expect(outside).resolves.toBe(false)
    expect(anchor.focus).toHaveBeenCalledOnce()
  })

  it('answers the first question "no" when another button asks, and only the second is confirmed', async () => {
    const confirm = createAnchoredConfirm()
    const first = confirm.ask({ question: 'Stop web?', confirmText: 'Stop', testid: 'q' })
    const second = confirm.ask({ question: 'Restart db?', confirmText: 'Restart', testid: 'r' })
    await expect(first).resolves.toBe(false)
    expect(confirm.state.request?.testid).toBe('r')
    confirm.answer(true)
    await expect(second).resolves.toBe(true)
  })

  it('ignores an answer when nothing is asked, and does not focus a button that left the page', async () => {
    const confirm = createAnchoredConfirm()
    confirm.answer(true)
    expect(confirm.state.open).toBe(false)
    const gone = button(false)
    const asked = confirm.ask({ question: 'Stop web?', confirmText: 'Stop', testid: 'q', anchor: gone })
    confirm.answer(true)
    confirm.answer(false)
    await expect(asked).resolves.toBe(true)
    expect(gone.focus).not.toHaveBeenCalled()
  })
})
