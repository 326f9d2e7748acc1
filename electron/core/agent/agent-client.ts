// Calls the agent on a server over exec channels of the server's one SSH connection. The first call on a
// session checks the handshake (`version`: an agent of another protocol is replaced) and installs or
// upgrades the agent when needed; later calls go straight to it. `hello` also answers on a server where
// the agent cannot be installed yet, by streaming the script to `sh -s`.

import type { ClientChannel } from 'ssh2'
import type { AgentHelloDto, AgentMetricsDto } from '../../../shared/contract/index.js'
import { HomeportError } from '../../../shared/errors.js'
import type { SshSession } from '../connection/types.js'
import { agentPath, installAgent, listInstalled } from './agent-installer.js'
import { AGENT_PROTOCOL, bundledAgent, type AgentScript } from './agent-script.js'

function parseAnswer<T>(verb: string, stdout: string, stderr: string): T {
  const unreadable = (why: string) =>
    new HomeportError('AGENT_FAILED', `The agent's answer to "${verb}" could not be read.`, { details: `${why}; stdout: ${stdout.slice(0, 300)}; stderr: ${stderr.slice(0, 300)}` })
  let value: (T & { error?: string }) | undefined
  try {
    value = JSON.parse(stdout) as T & { error?: string }
  } catch (err) {
    throw unreadable(err instanceof Error ? err.message : String(err))
  }
  if (!value || typeof value !== 'object') throw unreadable('empty answer')
  // The agent names what it could not do in its own words: they are the message.
  if (value.error) throw new HomeportError('AGENT_FAILED', `The agent on the server could not do "${verb}": ${value.error}.`, stderr.trim() ? { details: stderr.slice(0, 300) } : {})
  return value
}

export class AgentClient {
  private ready: Promise<string> | undefined

  constructor(
    private readonly session: SshSession,
    private readonly script: AgentScript = bundledAgent(),
  ) {}

  /** The path of a working agent of this app's version and protocol, installing it first when needed. */
  path(): Promise<string> {
    if (!this.ready) {
      const p = this.prepare()
      this.ready = p
      p.catch(() => {
        if (this.ready === p) this.ready = undefined
      })
    }
    return this.ready
  }

  private async prepare(): Promise<string> {
    const installed = await listInstalled(this.session)
    if (installed.versions.length === 1 && installed.versions[0] === this.script.version) {
      const path = agentPath(installed.root, this.script.version)
      if (await this.speaksOurProtocol(path)) return path
    }
    const status = await installAgent(this.session, this.script, { force: installed.versions.includes(this.script.version) })
    if (!(await this.speaksOurProtocol(status.path!))) {
      throw new HomeportError('AGENT_FAILED', 'The agent installed on the server does not answer the handshake.', {
        hint: 'Check that /bin/sh works for the SSH user on the server.',
      })
    }
    return status.path!
  }

  private async speaksOurProtocol(path: string): Promise<boolean> {
    const res = await this.session.exec(['sh', path, 'version'], { timeoutMs: 15_000 })
    if (res.code !== 0) return false
    try {
      const answer = JSON.parse(res.stdout) as { agent?: string; protocol?: number }
      return answer.protocol === AGENT_PROTOCOL && answer.agent === this.script.version
    } catch {
      return false
    }
  }

  async install(force = false) {
    this.ready = undefined
    const status = await installAgent(this.session, this.script, { force })
    this.ready = Promise.resolve(status.path!)
    return status
  }

  /** Through the login shell, so the user's DOCKER_HOST and PATH are what hello reports. */
  async hello(opts: { install?: boolean } = {}): Promise<AgentHelloDto> {
    if (opts.install === false) {
      const res = await this.session.exec(['sh', '-s', '--', 'hello'], { stdin: this.script.text, loginShell: true, timeoutMs: 30_000 })
      return parseAnswer('hello', res.stdout, res.stderr)
    }
    const res = await this.session.exec(['sh', await this.path(), 'hello'], { loginShell: true, timeoutMs: 30_000 })
    return parseAnswer('hello', res.stdout, res.stderr)
  }

  /** Runs `sh script arg` on the server on a schedule (a systemd user timer, or a cron entry without systemd). */
  async scheduleSet(name: string, cron: string, onCalendar: string, script: string, arg: string): Promise<{ via: 'systemd' | 'cron'; lingering?: boolean }> {
    const res = await this.session.exec(['sh', await this.path(), 'schedule-set', name, cron, onCalendar, script, arg], { loginShell: true, timeoutMs: 30_000 })
    return parseAnswer('schedule-set', res.stdout, res.stderr)
  }

  async scheduleRemove(name: string): Promise<void> {
    const res = await this.session.exec(['sh', await this.path(), 'schedule-remove', name], { loginShell: true, timeoutMs: 30_000 })
    parseAnswer('schedule-remove', res.stdout, res.stderr)
  }

  async metrics(): Promise<AgentMetricsDto> {
    const res = await this.session.exec(['sh', await this.path(), 'metrics'], { timeoutMs: 30_000 })
    return parseAnswer('metrics', res.stdout, res.stderr)
  }

  /**
   * One metrics sample every `seconds` on one long-lived channel until the returned stop(). This side paces
   * the agent (a newline per interval on its stdin), so the server starts no program between samples;
   * closing stdin ends the agent, so nothing is left running there.
   */
  async watch(seconds: number, onSample: (m: AgentMetricsDto) => void, onEnd?: (err?: HomeportError) => void): Promise<() => void> {
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > 3600) {
      throw new HomeportError('INVALID_INPUT', `A watch interval of ${seconds} s is out of range.`, { hint: 'Use a whole number of seconds from 1 to 3600.' })
    }
    const channel: ClientChannel = await this.session.execStream(['sh', await this.path(), 'watch', String(seconds), 'paced'])
    let buffered = ''
    let stopped = false
    const pacer = setInterval(() => {
      if (!stopped) channel.write('\n')
    }, seconds * 1000)
    pacer.unref?.()
    const finish = (err?: HomeportError) => {
      if (stopped) return
      stopped = true
      clearInterval(pacer)
      onEnd?.(err)
    }
    channel.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8')
      let nl: number
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl)
        buffered = buffered.slice(nl + 1)
        if (!line.trim()) continue
        try {
          onSample(parseAnswer<AgentMetricsDto>('watch', line, ''))
        } catch (err) {
          finish(err as HomeportError)
          channel.close()
        }
      }
    })
    channel.stderr.on('data', () => {})
    channel.on('error', () => {})
    channel.on('close', () => finish(new HomeportError('CONNECTION_LOST', 'The agent stopped sending metrics.', { hint: 'Homeport starts it again after reconnecting.' })))
    return () => {
      if (stopped) return
      finish()
      channel.end()
      channel.close()
    }
  }
}

const clients = new WeakMap<SshSession, AgentClient>()

/** The one agent client of a session (its install check is done once per connection). */
export function agentFor(session: SshSession): AgentClient {
  let client = clients.get(session)
  if (!client) {
    client = new AgentClient(session)
    clients.set(session, client)
  }
  return client
}
