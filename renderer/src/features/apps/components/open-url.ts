// Opening a forwarded app page outside the window. In Electron, main denies every window.open and hands
// the URLs the app itself made (forwards on 127.0.0.1) to the system browser; the web host is a browser tab
// already, so the page simply opens in a new tab.
export function openInBrowser(url: string): void {
  window.open(url, '_blank', 'noopener')
}
