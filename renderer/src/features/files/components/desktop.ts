// The desktop app's extras for files (window.homeportDesktop, from the Electron preload): a folder picked
// by the person for downloads, and the local path of a dropped file, so uploads read it in place. In a
// browser tab neither exists and the page moves the bytes itself (staging through the core).

export interface HomeportDesktop {
  chooseFolder(title: string): Promise<string | undefined>
  pathForFile(file: File): string
}

export function desktop(win: Window = window): HomeportDesktop | undefined {
  return (win as Window & { homeportDesktop?: HomeportDesktop }).homeportDesktop
}

/** The local paths of dropped files, when the desktop can name every one of them. */
export function droppedPaths(data: DataTransfer, win: Window = window): string[] | undefined {
  const bridge = desktop(win)
  if (!bridge) return undefined
  const paths = [...data.files].map((f) => bridge.pathForFile(f))
  return paths.length && paths.every(Boolean) ? paths : undefined
}

/** Hands a file to the browser's own download (a tab has no say in where it lands). */
export function saveInBrowser(name: string, blob: Blob, doc: Document = document): void {
  const url = URL.createObjectURL(blob)
  const link = doc.createElement('a')
  link.href = url
  link.download = name
  link.rel = 'noopener'
  doc.body.appendChild(link)
  link.click()
  link.remove()
  // The download has taken its copy once click() returns; a moment later the URL can go.
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
