// Long lists in the window draw only what is in view (naive-ui's virtual list). A short one stays a plain list:
// nothing to gain, and every item stays reachable with Tab and findable with the browser's search.

/** From this many items on, a list or grid is virtual. */
export const VIRTUAL_FROM = 60

const CARD_MIN_WIDTH = 240
const CARD_GAP = 12

/** How many cards of at least 240 px (12 px apart) fit across `width`, as the plain grid's auto-fill makes them. */
export function cardColumns(width: number): number {
  return Math.max(1, Math.floor((width + CARD_GAP) / (CARD_MIN_WIDTH + CARD_GAP)))
}

/** Cuts `items` into rows of `columns`, each keyed by its first item so a row keeps its key while it holds it. */
export function chunkRows<T>(items: readonly T[], columns: number, keyOf: (item: T) => string): { key: string; items: T[] }[] {
  const rows: { key: string; items: T[] }[] = []
  for (let i = 0; i < items.length; i += columns) {
    const slice = items.slice(i, i + columns)
    rows.push({ key: keyOf(slice[0]), items: slice })
  }
  return rows
}
