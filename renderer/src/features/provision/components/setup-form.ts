// The wizard's choices as the user makes them, and the options of provision.plan / provision.run they give.

import type { SetupOptions } from '../store.js'

export interface SetupForm {
  /** A new key made for Homeport, or one of the user's own (by path). */
  key: 'homeport' | 'own'
  identityFile: string
  disablePasswordLogin: boolean
}

export function emptySetupForm(): SetupForm {
  return { key: 'homeport', identityFile: '', disablePasswordLogin: false }
}

/** What keeps the choices from being planned, or undefined when they can be. */
export function formProblem(form: SetupForm): string | undefined {
  if (form.key !== 'own') return undefined
  const path = form.identityFile.trim()
  if (!path) return 'Give the path of your private key file.'
  // The core reads the path as it is; a shell would expand ~, Homeport does not.
  if (path.startsWith('~')) return 'Write the full path (for example /home/you/.ssh/id_ed25519): ~ is not expanded.'
  return undefined
}

export function setupOptions(form: SetupForm): SetupOptions {
  const identityFile = form.key === 'own' ? form.identityFile.trim() : ''
  return { disablePasswordLogin: form.disablePasswordLogin, ...(identityFile ? { identityFile } : {}) }
}
