// The Add-server form's plain logic, kept out of the component so it is tested without a DOM.

import type { MethodInput } from '../../../../../shared/contract/index.js'
import type { AuthMethod, ServerDto, SshConfigHostDto } from '../../../../../shared/contract/index.js'

export interface AddServerForm {
  name: string
  host: string
  port: number | null
  user: string
  authMethod: AuthMethod
  identityFile: string
  secret: string
  proxyJump: string
  sshConfigHost: string | null
}

export function emptyForm(): AddServerForm {
  return { name: '', host: '', port: 22, user: '', authMethod: 'agent', identityFile: '', secret: '', proxyJump: '', sshConfigHost: null }
}

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

/** Field → problem, for the fields the core would refuse anyway; empty when the form can be sent. */
export function validateForm(form: AddServerForm): Partial<Record<keyof AddServerForm, string>> {
  const problems: Partial<Record<keyof AddServerForm, string>> = {}
  if (!form.name.trim()) problems.name = 'Name is required.'
  else if (!NAME_PATTERN.test(form.name.trim())) problems.name = 'Use letters, digits, dot, dash and underscore, starting with a letter or digit.'
  if (!form.host.trim() && !form.sshConfigHost) problems.host = 'Host is required (or pick a Host from ~/.ssh/config).'
  else if (/[\s@/]/.test(form.host.trim())) problems.host = 'Host must be a name or IP address without spaces, "@" or "/".'
  if (form.port !== null && (!Number.isInteger(form.port) || form.port < 1 || form.port > 65535)) problems.port = 'Port must be between 1 and 65535.'
  if (form.authMethod === 'key' && !form.identityFile.trim() && !form.sshConfigHost) problems.identityFile = 'Key file is required for key login.'
  if (form.authMethod === 'password' && !form.secret) problems.secret = 'Password is required for password login.'
  return problems
}

function optional(value: string): string | undefined {
  const trimmed = value.trim()
  return trimmed ? trimmed : undefined
}

export function probeInput(form: AddServerForm): MethodInput<'servers.probeHostKey'> {
  return {
    host: form.host.trim(),
    port: form.port ?? 22,
    proxyJump: optional(form.proxyJump),
    sshConfigHost: form.sshConfigHost ?? undefined,
  }
}

export function addInput(form: AddServerForm, hostKey: string): MethodInput<'servers.add'> {
  const usesSecret = form.authMethod !== 'agent'
  return {
    name: form.name.trim(),
    host: optional(form.host),
    port: form.port ?? undefined,
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
    port: entry.port,
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
