// Which rows of a fixed-height virtual list to draw. A scroll made in a frame is painted in that frame, but the
// page hears of it (the scroll event) only in the next one, so the rows already drawn must cover wherever a
// frame can land: REACH px either way even from rest (a fling, a dragged scrollbar or a reversal give no
// warning), and further ahead in the direction of a scroll faster than that.

export interface RowWindow {
  start: number
  end: number
}

/** How far (px) one frame's scroll can land from where the page last heard of it, and still find its rows. */
export const REACH = 3000
/** At most this many rows ahead, whatever the speed: a far jump of the scrollbar must not draw thousands. */
const AHEAD_MAX = 400

export function rowWindow(opts: { scrollTop: number; height: number; count: number; row: number; lastStep: number }): RowWindow {
  const { scrollTop, height, count, row, lastStep } = opts
  const reach = Math.ceil(REACH / row)
  const ahead = Math.min(AHEAD_MAX, Math.max(reach, Math.ceil((Math.abs(lastStep) * 1.5) / row)))
  const first = Math.floor(scrollTop / row)
  const last = Math.ceil((scrollTop + height) / row)
  const start = Math.max(0, first - (lastStep < 0 ? ahead : reach))
  const end = Math.min(count, last + (lastStep < 0 ? reach : ahead))
  return { start, end: Math.max(start, end) }
}
