// Small name helpers every front end and the core agree on: the app name a compose file gives itself (its
// top-level `name:`, else its folder, as Docker Compose does) and "did you mean" for a mistyped name.

/**
 * The Compose project name: one pattern, used by the contract, the core and the forms. It lives here, not in
 * the contract, so a command line that only needs names does not build the contract's schemas.
 */
export const APP_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/

/** A compose file's own top-level `name:`. */
const COMPOSE_NAME = /^name:\s*["']?([^"'\s#]+)["']?\s*$/m

export function composeFileName(composeText: string): string | undefined {
  return COMPOSE_NAME.exec(composeText)?.[1]
}

/** A folder name as Docker Compose turns it into a project name: lower case, only a-z 0-9 - _; undefined if nothing is left. */
export function folderAppName(folder: string): string | undefined {
  const name = folder.toLowerCase().replace(/[^a-z0-9_-]/g, '').replace(/^[^a-z0-9]+/, '').slice(0, 63)
  return APP_NAME_PATTERN.test(name) ? name : undefined
}

/** Edits from a to b (insert, delete, replace, swap two neighbours: the usual typos). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1)
    }
  }
  return d[a.length][b.length]
}

/** The candidate closest to `word` (case-insensitive), if it is close enough to be a typo of it. */
export function closestName(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase()
  let best: { name: string; d: number } | undefined
  for (const name of candidates) {
    const c = name.toLowerCase()
    // A name typed in part ("uptime" for uptime-kuma) counts as close.
    const d = w.length >= 3 && c.includes(w) ? 0 : distance(w, c)
    if (!best || d < best.d) best = { name, d }
  }
  // A third of the word may be wrong (at least one letter): "jelyfin" → jellyfin, but "db" is not "vaultwarden".
  return best && best.d <= Math.max(1, Math.floor(w.length / 3)) ? best.name : undefined
}
