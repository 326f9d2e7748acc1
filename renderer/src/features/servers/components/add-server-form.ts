// The Add-server form's plain logic, kept out of the component so it is tested without a DOM.

import type { MethodInput } from '../../../../../shared/contract/index.js'
import type { AuthMethod, ServerDto, SshConfigHostDto } from '../../../../../shared/contract/index.js'
import type { ErrorInfo } from '../../../../../shared/errors.js'

export interface AddServerForm {
  name: string
  host: string
  /** As typed: a number out of range is an error at the field, never quietly turned into another port. */
  port: string
  user: string
  authMethod: AuthMethod
  identityFile: string
  secret: string
  proxyJump: string
  sshConfigHost: string | null
}

export function emptyForm(): AddServerForm {
  return { name: '', host: '', port: '22', user: '', authMethod: 'agent', identityFile: '', secret: '', proxyJump: '', sshConfigHost: null }
}

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

/** Field → problem, for the fields the core would refuse anyway; empty when the form can be sent. */
export function validateForm(form: AddServerForm): Partial<Record<keyof AddServerForm, string>> {
  const problems: Partial<Record<keyof AddServerForm, string>> = {}
  if (!form.name.trim()) problems.name = 'Name is required.'
  else if (!NAME_PATTERN.test(form.name.trim())) problems.name = 'Use letters, digits, dot, dash and underscore, starting with a letter or digit.'
  if (!form.host.trim() && !form.sshConfigHost) problems.host = 'Host is required (or pick a Host from ~/.ssh/config).'
  else if (/[\s@/]/.test(form.host.trim())) problems.host = 'Host must be a name or IP address without spaces, "@" or "/".'
  if (form.port.trim() && portOf(form) === undefined) problems.port = 'Port must be a whole number from 1 to 65535.'
  if (form.authMethod === 'key' && !form.identityFile.trim() && !form.sshConfigHost) problems.identityFile = 'Key file is required for key login.'
  if (form.authMethod === 'password' && !form.secret) problems.secret = 'Password is required for password login.'
  return problems
}

/** The port typed, when it is one; an empty field means the default, 22. */
function portOf(form: AddServerForm): number | undefined {
  const text = form.port.trim()
  if (!text) return 22
  const port = Number(text)
  return /^\d+$/.test(text) && port >= 1 && port <= 65535 ? port : undefined
}

function optional(value: string): string | undefined {
  const trimmed = value.trim()
  return trimmed ? trimmed : undefined
}

export function probeInput(form: AddServerForm): MethodInput<'servers.probeHostKey'> {
  return {
    host: form.host.trim(),
    port: portOf(form) ?? 22,
    proxyJump: optional(form.proxyJump),
    sshConfigHost: form.sshConfigHost ?? undefined,
  }
}

export function addInput(form: AddServerForm, hostKey: string): MethodInput<'servers.add'> {
  const usesSecret = form.authMethod !== 'agent'
  return {
    name: form.name.trim(),
    host: optional(form.host),
    port: form.port.trim() ? portOf(form) : undefined,
    user: optional(form.user),
    sshConfigHost: form.sshConfigHost ?? undefined,
    authMethod: form.authMethod,
    identityFile: form.authMethod === 'key' ? optional(form.identityFile) : undefined,
    secret: usesSecret && form.secret ? form.secret : undefined,
    proxyJump: optional(form.proxyJump),
    hostKey,
  }
}

/** Fills the form from a ~/.ssh/config Host entry, keeping a name the user already typed. */
export function fillFromSshConfig(form: AddServerForm, entry: SshConfigHostDto): AddServerForm {
  return {
    ...form,
    name: form.name.trim() ? form.name : entry.alias.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, ''),
    host: entry.hostName,
    port: String(entry.port),
    user: entry.user ?? form.user,
    authMethod: entry.identityFile ? 'key' : form.authMethod,
    identityFile: entry.identityFile ?? form.identityFile,
    proxyJump: entry.proxyJump ?? '',
    sshConfigHost: entry.alias,
  }
}

/**
 * Where the window goes once a server is added. A password login is how a fresh server is first reached, so
 * set-up follows (a key, then Docker and the agent when missing); other servers open on their page, which
 * offers set-up itself when Docker is missing or out of reach.
 */
export function afterAdding(server: Pick<ServerDto, 'authMethod'>): 'setup' | 'server' {
  return server.authMethod === 'password' || server.authMethod === 'keyboard-interactive' ? 'setup' : 'server'
}

/** Where a probe or the first connection failed: host, port, user and key are reached in that order. */
export type FailedField = 'host' | 'port' | 'user' | 'identityFile' | 'secret' | 'name' | 'sshConfigHost'

/**
 * The field an error is about, so it is shown there and focus goes there; undefined when it concerns no one
 * field (a host key, Docker…), which the dialog shows under the form.
 */
export function fieldForError(error: Pick<ErrorInfo, 'code' | 'message'>, form: Pick<AddServerForm, 'authMethod' | 'sshConfigHost'>): FailedField | undefined {
  switch (error.code) {
    case 'UNREACHABLE':
    case 'TIMEOUT':
      // Nothing listens on that port (refused), or the name is wrong or the machine away.
      return /refused/i.test(error.message) ? 'port' : 'host'
    case 'AUTH_FAILED':
      if (form.authMethod === 'password' || form.authMethod === 'keyboard-interactive') return 'secret'
      return form.authMethod === 'key' ? 'identityFile' : 'user'
    case 'PASSPHRASE_REQUIRED':
      return 'secret'
    case 'KEY_INVALID':
      return /passphrase/i.test(error.message) ? 'secret' : 'identityFile'
    case 'ALREADY_EXISTS':
      return 'name'
    case 'SSH_CONFIG_INVALID':
      return form.sshConfigHost ? 'sshConfigHost' : undefined
    default:
      return undefined
  }
}
