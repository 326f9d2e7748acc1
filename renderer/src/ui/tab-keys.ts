// The keys of a tab list (WAI-ARIA tabs pattern): arrows move to the neighbouring tab and wrap around,
// Home and End go to the first and last. Any other key is not the tab list's.

export function tabForKey(names: readonly string[], current: string, key: string): string | undefined {
  if (names.length === 0) return undefined
  const at = Math.max(0, names.indexOf(current))
  switch (key) {
    case 'ArrowRight':
    case 'ArrowDown':
      return names[(at + 1) % names.length]
    case 'ArrowLeft':
    case 'ArrowUp':
      return names[(at - 1 + names.length) % names.length]
    case 'Home':
      return names[0]
    case 'End':
      return names[names.length - 1]
    default:
      return undefined
  }
}
