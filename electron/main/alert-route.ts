// Moving the loaded window to a route (an alert's target, a tray entry). Pure, so it is tested without Electron.

export { alertRoute } from '../../shared/alert-route.js'

/** The script that moves the loaded renderer to `route` without reloading it. */
export function navigateScript(route: string): string {
  return `location.hash = ${JSON.stringify(`#${route}`)}`
}
