// The browser's keyboard: which command a key press means. Plain, so the map is tested without a window.

export type FileCommand = 'delete' | 'rename' | 'open' | 'up' | 'copy' | 'paste' | 'selectAll' | 'next' | 'previous' | 'extendNext' | 'extendPrevious' | 'clear'

export interface KeyPress {
  key: string
  ctrlKey?: boolean
  metaKey?: boolean
  shiftKey?: boolean
  altKey?: boolean
}

export function commandFor(press: KeyPress): FileCommand | undefined {
  const mod = press.ctrlKey === true || press.metaKey === true
  if (press.altKey) return undefined
  if (mod) {
    switch (press.key.toLowerCase()) {
      case 'c':
        return 'copy'
      case 'v':
        return 'paste'
      case 'a':
        return 'selectAll'
      default:
        // ⌘⌫ is how a Mac keyboard says Delete.
        return press.metaKey && press.key === 'Backspace' ? 'delete' : undefined
    }
  }
  switch (press.key) {
    case 'Delete':
      return 'delete'
    case 'F2':
      return 'rename'
    case 'Enter':
      return 'open'
    case 'Backspace':
      return 'up'
    case 'ArrowDown':
      return press.shiftKey ? 'extendNext' : 'next'
    case 'ArrowUp':
      return press.shiftKey ? 'extendPrevious' : 'previous'
    case 'Escape':
      return 'clear'
    default:
      return undefined
  }
}
