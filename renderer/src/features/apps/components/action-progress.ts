// What an app action says while it runs: "Stopping 3 containers…", so a slow stop is not a silent spinner.

const VERBS: Record<string, string> = { start: 'Starting', stop: 'Stopping', restart: 'Restarting', remove: 'Removing', open: 'Opening the page of' }

export function busyMessage(action: string, app: string, containers: number): string {
  const verb = VERBS[action] ?? 'Working on'
  if (action === 'open') return `${verb} ${app}…`
  const what = containers === 1 ? '1 container' : `${containers} containers`
  return `${verb} ${what} of ${app}…`
}
