// Set-up steps about Docker: which system this is, Docker Engine from its own packages, the user in the
// socket's group (then a new login so it applies), the agent, and a check through the tunnel.

import { HomeportError } from '../../../shared/errors.js'
import { addToGroupCommand, dockerInstallCommands, dockerServiceCommands } from './os-family.js'
import { nothingToRun, type ProvisionContext, type ProvisionStep } from './provision-context.js'
import { shownCommand } from './sudo-runner.js'

export const osStep: ProvisionStep = {
  id: 'os',
  title: 'Detect the operating system',
  async check(ctx) {
    try {
      const os = await ctx.os()
      return nothingToRun('done', `${os.prettyName} (${os.family}).`)
    } catch (err) {
      if (err instanceof HomeportError && err.code === 'UNSUPPORTED_OS') return nothingToRun('blocked', err.message)
      throw err
    }
  },
  async apply(ctx) {
    await ctx.os()
  },
  async verify(ctx) {
    return (await ctx.os()).prettyName
  },
}

async function dockerCommands(ctx: ProvisionContext): Promise<string[][]> {
  const hello = await ctx.hello()
  const os = await ctx.os()
  const service = dockerServiceCommands(hello.init)
  const install = hello.docker.installed ? [] : dockerInstallCommands(os.family)
  if (!service) {
    if (hello.docker.installed) {
      throw new HomeportError('DOCKER_DOWN', `Docker is installed but not running, and this server's init system (${hello.init}) is not one set-up can drive.`, {
        hint: 'Start dockerd on the server and make it start at boot, then run set-up again.',
      })
    }
    return install
  }
  return [...install, ...service]
}

export const dockerStep: ProvisionStep = {
  id: 'docker',
  title: 'Install and start Docker Engine',
  async check(ctx) {
    const hello = await ctx.hello()
    if (hello.docker.installed && hello.docker.socket) {
      return nothingToRun('done', `Docker ${hello.docker.version || ''} is installed and its socket ${hello.docker.socket} is there.`.replace('  ', ' '))
    }
    const os = await ctx.os().catch(() => undefined)
    if (!os) return { status: 'blocked', detail: 'Needs a supported operating system.', commands: [], needsSudo: true }
    const commands = (await dockerCommands(ctx)).map((argv) => shownCommand(argv, true))
    const what = hello.docker.installed ? 'Docker is installed but not running; it will be enabled and started.' : `Docker is not installed; it will be installed from ${os.prettyName}'s own packages, then enabled and started.`
    return { status: 'todo', detail: what, commands, needsSudo: true }
  },
  async apply(ctx) {
    for (const argv of await dockerCommands(ctx)) await ctx.run(argv, { asRoot: true })
  },
  async verify(ctx) {
    const hello = await ctx.hello(true)
    if (!hello.docker.installed || !hello.docker.socket) {
      throw new HomeportError('DOCKER_DOWN', 'Docker was installed but its socket did not appear.', { hint: 'Read the job log for the package manager\'s output.' })
    }
    return `Docker ${hello.docker.version} at ${hello.docker.socket}`
  },
}

export const groupStep: ProvisionStep = {
  id: 'group',
  title: 'Let the user reach Docker',
  async check(ctx) {
    const hello = await ctx.hello()
    const group = hello.docker.socketGroup || 'docker'
    if (hello.docker.socketAccessible) return nothingToRun('done', `${hello.user.name} can use ${hello.docker.socket || 'the Docker socket'}.`)
    if (hello.docker.inDockerGroup) {
      return { status: 'todo', detail: `${hello.user.name} is in group ${group}; a new login makes it apply.`, commands: ['(reconnect)'], needsSudo: false }
    }
    const os = await ctx.os().catch(() => undefined)
    const argv = addToGroupCommand(os?.family ?? 'debian', hello.user.name, group)
    return { status: 'todo', detail: `${hello.user.name} will be added to group ${group}, then Homeport logs in again so it applies.`, commands: [shownCommand(argv, true), '(reconnect)'], needsSudo: true }
  },
  async apply(ctx) {
    const hello = await ctx.hello(true)
    if (!hello.docker.inDockerGroup) {
      const os = await ctx.os()
      await ctx.run(addToGroupCommand(os.family, hello.user.name, hello.docker.socketGroup || 'docker'), { asRoot: true })
    }
    ctx.log('Logging in again so the new group applies.')
    await ctx.reconnect()
  },
  async verify(ctx) {
    const hello = await ctx.hello(true)
    if (!hello.docker.socketAccessible) {
      throw new HomeportError('DOCKER_PERMISSION', `${hello.user.name} still cannot use ${hello.docker.socket}.`, { hint: `Check the socket's group (${hello.docker.socketGroup}) and the user's groups on the server.` })
    }
    return `${hello.user.name} can use ${hello.docker.socket}`
  },
}

export const agentStep: ProvisionStep = {
  id: 'agent',
  title: 'Install the Homeport agent',
  async check(ctx) {
    const status = await ctx.agentStatus()
    if (status.upToDate) return nothingToRun('done', `Agent ${status.installed} is installed at ${status.path}.`)
    const what = status.installed ? `Agent ${status.installed} will be replaced by ${status.bundled}.` : `Agent ${status.bundled} will be installed.`
    return {
      status: 'todo',
      detail: what,
      commands: [`mkdir -p -m 700 ~/.local/share/homeport/agent/${status.bundled}`, `(SFTP) upload homeport-agent, then rename into place`, `sha256sum ~/.local/share/homeport/agent/${status.bundled}/homeport-agent`],
      needsSudo: false,
    }
  },
  async apply(ctx) {
    const status = await ctx.installAgent()
    ctx.log(`Agent ${status.installed} installed at ${status.path}; its sha256 matches.`)
  },
  async verify(ctx) {
    const status = await ctx.agentStatus()
    if (!status.upToDate) throw new HomeportError('AGENT_FAILED', 'The agent is not in place after installing it.')
    return `agent ${status.installed}`
  },
}

export const verifyStep: ProvisionStep = {
  id: 'verify',
  title: 'Check Docker through the tunnel',
  async check(ctx) {
    try {
      const info = await ctx.dockerInfo()
      return nothingToRun('done', `Docker ${info.version} (API ${info.apiVersion}) answers through the SSH tunnel.`)
    } catch (err) {
      return nothingToRun('todo', `Docker does not answer through the tunnel yet (${err instanceof Error ? err.message : String(err)}).`)
    }
  },
  async apply() {},
  async verify(ctx) {
    const info = await ctx.dockerInfo()
    return `Docker ${info.version} (API ${info.apiVersion}) through ${info.transport} ${info.socket}`
  },
}
