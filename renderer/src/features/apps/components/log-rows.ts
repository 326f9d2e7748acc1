// Which rows of a fixed-height virtual list to draw. The browser may paint a scroll before the page hears of
// it, so the rows drawn must already cover where the next frame can land: a margin behind, and ahead a margin
// that grows with the speed of the last scroll (a 3,000 px jump per frame finds its rows already there).

export interface RowWindow {
  start: number
  end: number
}

export function rowWindow(opts: { scrollTop: number; height: number; count: number; row: number; lastStep: number }): RowWindow {
  const { scrollTop, height, count, row, lastStep } = opts
  const base = 20
  const ahead = Math.min(400, base + Math.ceil((Math.abs(lastStep) * 1.5) / row))
  const first = Math.floor(scrollTop / row)
  const last = Math.ceil((scrollTop + height) / row)
  const start = Math.max(0, first - (lastStep < 0 ? ahead : base))
  const end = Math.min(count, last + (lastStep < 0 ? base : ahead))
  return { start, end: Math.max(start, end) }
}
