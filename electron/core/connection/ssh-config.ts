// ~/.ssh/config through the `ssh-config` package: the Host aliases a person can pick from, and an alias
// resolved into an SshTarget (HostName, Port, User, IdentityFile, ProxyJump chain) the way OpenSSH would.

import { readFile } from 'node:fs/promises'
import { homedir, userInfo } from 'node:os'
import { join } from 'node:path'
import SSHConfig from 'ssh-config'
import type { SshConfigHostDto } from '../../../shared/contract/index.js'
import { HomeportError } from '../../../shared/errors.js'
import type { SshTarget } from './types.js'

export function defaultSshConfigPath(): string {
  return join(homedir(), '.ssh', 'config')
}

export interface ResolvedHost {
  alias: string
  hostName: string
  port: number
  user: string
  identityFile?: string
  /** The raw ProxyJump value, unless `none`. */
  proxyJump?: string
}

export interface JumpSpec {
  user?: string
  host: string
  port?: number
}

const MAX_JUMP_DEPTH = 8

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

function localUser(): string {
  try {
    return userInfo().username
  } catch {
    return process.env.USER ?? 'root'
  }
}

/** Expands `~` and the OpenSSH tokens that make sense for IdentityFile (%d %u %h %r %%). */
export function expandPath(path: string, ctx: { host: string; user: string }): string {
  const home = homedir()
  let out = path.replace(/%([duhr%])/g, (_m, token: string) => {
    switch (token) {
      case 'd': return home
      case 'u': return localUser()
      case 'h': return ctx.host
      case 'r': return ctx.user
      default: return '%'
    }
  })
  if (out === '~') out = home
  else if (out.startsWith('~/')) out = join(home, out.slice(2))
  return out
}

/** One ProxyJump element: `[user@]host[:port]`, `ssh://[user@]host[:port]` or `[v6addr]:port`. */
export function parseJumpSpec(spec: string): JumpSpec {
  let rest = spec.trim().replace(/^ssh:\/\//, '')
  let user: string | undefined
  const at = rest.lastIndexOf('@')
  if (at >= 0) {
    user = rest.slice(0, at)
    rest = rest.slice(at + 1)
  }
  let host = rest
  let port: number | undefined
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest)
  if (bracketed) {
    host = bracketed[1]
    if (bracketed[2]) port = Number(bracketed[2])
  } else {
    const colon = rest.lastIndexOf(':')
    if (colon >= 0 && rest.indexOf(':') === colon) {
      host = rest.slice(0, colon)
      port = Number(rest.slice(colon + 1))
    }
  }
  if (!host || (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535))) {
    throw new HomeportError('SSH_CONFIG_INVALID', `The jump host "${spec}" is not of the form user@host:port.`)
  }
  return { user, host, port }
}

export class SshConfigFile {
  constructor(private readonly path: string = defaultSshConfigPath()) {}

  private async parsed(): Promise<SSHConfig> {
    let text = ''
    try {
      text = await readFile(this.path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    try {
      return SSHConfig.parse(text)
    } catch (err) {
      throw new HomeportError('SSH_CONFIG_INVALID', `${this.path} could not be parsed.`, { details: String(err), cause: err })
    }
  }

  /** Every concrete Host alias (patterns with wildcards or negations are not hosts one can pick). */
  async listHosts(): Promise<SshConfigHostDto[]> {
    const config = await this.parsed()
    const aliases: string[] = []
    for (const line of config) {
      if (line.type !== SSHConfig.DIRECTIVE || line.param.toLowerCase() !== 'host') continue
      const values = Array.isArray(line.value) ? line.value.map((v) => v.val) : line.value.split(/\s+/)
      for (const alias of values) {
        if (alias && !/[*?!]/.test(alias) && !aliases.includes(alias)) aliases.push(alias)
      }
    }
    return aliases.map((alias) => {
      const resolved = this.computeHost(config, alias)
      return {
        alias,
        hostName: resolved.hostName,
        port: resolved.port,
        user: resolved.user,
        ...(resolved.identityFile ? { identityFile: resolved.identityFile } : {}),
        ...(resolved.proxyJump ? { proxyJump: resolved.proxyJump } : {}),
      }
    })
  }

  async resolveHost(alias: string): Promise<ResolvedHost> {
    return this.computeHost(await this.parsed(), alias)
  }

  /**
   * The alias as an SshTarget, its ProxyJump chain resolved hop by hop through the same config (a hop may
   * itself be an alias with its own ProxyJump, which then comes first). Auth is `key` when an
   * IdentityFile is set, otherwise `agent`; callers may override it.
   */
  async resolveTarget(alias: string): Promise<SshTarget> {
    const config = await this.parsed()
    return this.targetFor(config, { host: alias }, 0)
  }

  private computeHost(config: SSHConfig, alias: string): ResolvedHost {
    const computed = config.compute(alias)
    const hostName = first(computed.HostName) ?? alias
    const portText = first(computed.Port)
    const port = portText ? Number(portText) : 22
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new HomeportError('SSH_CONFIG_INVALID', `Host ${alias} in ${this.path} has an invalid Port "${portText}".`)
    }
    const user = first(computed.User) ?? localUser()
    const identity = first(computed.IdentityFile)
    const proxyJump = first(computed.ProxyJump)
    return {
      alias,
      hostName,
      port,
      user,
      ...(identity && identity.toLowerCase() !== 'none' ? { identityFile: expandPath(identity, { host: hostName, user }) } : {}),
      ...(proxyJump && proxyJump.toLowerCase() !== 'none' ? { proxyJump } : {}),
    }
  }

  private targetFor(config: SSHConfig, spec: JumpSpec, depth: number): SshTarget {
    if (depth > MAX_JUMP_DEPTH) {
      throw new HomeportError('SSH_CONFIG_INVALID', `The ProxyJump chain for ${spec.host} in ${this.path} loops or is deeper than ${MAX_JUMP_DEPTH} hops.`)
    }
    const resolved = this.computeHost(config, spec.host)
    const jumps: SshTarget[] = []
    if (resolved.proxyJump) {
      for (const hop of resolved.proxyJump.split(',')) {
        const hopTarget = this.targetFor(config, parseJumpSpec(hop), depth + 1)
        // A hop's own chain is reached before the hop itself.
        jumps.push(...(hopTarget.jumps ?? []), { ...hopTarget, jumps: undefined })
      }
    }
    return {
      host: resolved.hostName,
      port: spec.port ?? resolved.port,
      user: spec.user ?? resolved.user,
      authMethod: resolved.identityFile ? 'key' : 'agent',
      ...(resolved.identityFile ? { identityFile: resolved.identityFile } : {}),
      ...(jumps.length ? { jumps } : {}),
    }
  }
}
