// The questions the Deploy form asks when a folder has no homeport.yml yet, checked with the contract's own
// schema so the window names the same problems the core would, in the form's words.

import { DeployConfig, type DeployConfigInput, type DeployHistoryDto, type DeployVersionDto } from '../../../../../shared/contract/index.js'

export interface DeployForm {
  app: string
  port: string
  healthPath: string
  healthTimeout: string
}

export type DeployFormErrors = Partial<Record<keyof DeployForm, string>>

export function emptyDeployForm(folderName = ''): DeployForm {
  const app = folderName.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '')
  return { app, port: '', healthPath: '', healthTimeout: '60' }
}

const FIELD_OF: Record<string, keyof DeployForm> = { app: 'app', port: 'port', health: 'healthPath' }

/** The homeport.yml to write for `server`, or what is wrong with each field. */
export function configFromForm(form: DeployForm, server: string): { config: DeployConfigInput } | { errors: DeployFormErrors } {
  const errors: DeployFormErrors = {}
  const port = Number(form.port)
  if (!/^\d+$/.test(form.port.trim())) errors.port = 'Enter the port the app answers on, on the server (1–65535).'
  const timeout = Number(form.healthTimeout || '60')
  if (!/^\d+$/.test((form.healthTimeout || '60').trim()) || timeout < 1 || timeout > 3600) errors.healthTimeout = 'Enter the seconds the new version has to become healthy (1–3600).'
  const config: DeployConfigInput = { app: form.app.trim(), server, port, health: { timeout, ...(form.healthPath.trim() ? { path: form.healthPath.trim() } : {}) } }
  const parsed = DeployConfig.safeParse(config)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path[0] === 'health' && issue.path[1] === 'timeout' ? 'healthTimeout' : FIELD_OF[String(issue.path[0])]
      if (key && !errors[key]) errors[key] = key === 'port' ? 'Enter the port the app answers on, on the server (1–65535).' : `${labelOf(key)} ${issue.message}`
    }
  }
  return Object.keys(errors).length ? { errors } : { config }
}

function labelOf(key: keyof DeployForm): string {
  return { app: 'The app name', port: 'The port', healthPath: 'The health path', healthTimeout: 'The health timeout' }[key]
}

/** The last part of a folder path, for a first guess at the app name. */
export function folderName(dir: string): string {
  return dir.replace(/[\\/]+$/, '').split(/[\\/]/).pop() ?? ''
}

/** The version an app serves, for its card's title. */
export function servingVersion(app: DeployHistoryDto): DeployVersionDto | undefined {
  return app.versions.find((v) => v.serving) ?? app.versions.find((v) => v.version === app.current)
}
