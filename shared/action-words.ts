// What an app action says while it runs ("Stopping 3 containers of blog…"), in the window and the CLI alike,
// so a slow stop is never a silent spinner or a silent terminal.

const VERBS: Record<string, string> = { start: 'Starting', stop: 'Stopping', restart: 'Restarting', remove: 'Removing', open: 'Opening the page of' }

export function busyMessage(action: string, app: string, containers: number): string {
  const verb = VERBS[action] ?? 'Working on'
  if (action === 'open') return `${verb} ${app}…`
  const what = containers === 1 ? '1 container' : `${containers} containers`
  return `${verb} ${what} of ${app}…`
}
