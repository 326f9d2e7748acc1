// `homeport provision SERVER` (first-time set-up: the plan, the exact commands, then the job) and
// `homeport agent SERVER hello|metrics` (what the server agent reports).

import type { Command } from 'commander'
import type { AgentHelloDto, AgentMetricsDto, ProvisionPlanDto } from '../../shared/contract/index.js'
import { HomeportError } from '../../shared/errors.js'
import { progressMode, runJob, throwIfFailed } from './apps-job.js'
import { usageError, writeJson } from './output.js'
import { readStdin, type WithCore } from './server-commands.js'
import { askYes, isInteractive } from './tty-prompter.js'

interface ProvisionOptions {
  yes?: boolean
  sudoPasswordStdin?: boolean
  disablePasswordLogin?: boolean
  identity?: string
  json?: boolean
}

const MARK = { done: 'done   ', todo: 'to do  ', skipped: 'skipped', blocked: 'blocked' } as const

function printPlan(plan: ProvisionPlanDto): void {
  for (const step of plan.steps) {
    process.stderr.write(`[${MARK[step.status]}] ${step.title}: ${step.detail}\n`)
    for (const command of step.commands) process.stderr.write(`            $ ${command.replace(/\n/g, '\n              ')}\n`)
  }
}

function mb(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024)} MiB`
}

function printHello(h: AgentHelloDto): void {
  const docker = h.docker.installed ? `${h.docker.version || 'installed'}${h.docker.socket ? ` at ${h.docker.socket}` : ' (not running)'}${h.docker.socketAccessible ? '' : ', not reachable by this user'}` : 'not installed'
  const lines = [
    ['System', `${h.os.prettyName} (${h.arch}), kernel ${h.kernel}`],
    ['Host', `${h.hostname}, up ${Math.round(h.uptimeSeconds / 3600)} h, init ${h.init}`],
    ['CPUs / memory', `${h.cpus} / ${mb(h.memoryBytes)}`],
    ['Docker', docker],
    ['sudo', h.sudo.present ? (h.sudo.passwordless ? 'without password' : 'with password') : 'not installed'],
    ['Mounts', h.mounts.map((m) => `${m.target} (${m.fstype})`).join(', ')],
    ['Agent', `${h.agent} (protocol ${h.protocol})`],
  ]
  for (const [k, v] of lines) process.stdout.write(`${k.padEnd(15)} ${v}\n`)
}

function printMetrics(m: AgentMetricsDto): void {
  process.stdout.write(`CPU ${m.cpu.percent}% (${m.cpu.perCore.join('%, ')}%), load ${m.load.join(' ')}\n`)
  process.stdout.write(`Memory ${mb(m.memory.usedBytes)} of ${mb(m.memory.totalBytes)} used, swap ${mb(m.swap.usedBytes)} of ${mb(m.swap.totalBytes)}\n`)
  for (const d of m.disks) process.stdout.write(`Disk ${d.mount}: ${mb(d.usedBytes)} of ${mb(d.totalBytes)} (${d.fstype})\n`)
  for (const n of m.network) process.stdout.write(`Net ${n.interface}: ${n.rxBytesPerSec} B/s in, ${n.txBytesPerSec} B/s out\n`)
  for (const t of m.temperatures) process.stdout.write(`Temp ${t.sensor}: ${(t.milliCelsius / 1000).toFixed(1)} °C\n`)
}

export function registerProvisionCommands(program: Command, withCore: WithCore, json: () => boolean): void {
  program
    .command('provision')
    .description('set up a server: a key login, Docker from its own packages, your user in group docker, the agent')
    .argument('<server>', 'server name')
    .option('-y, --yes', 'run the plan without asking')
    .option('--sudo-password-stdin', 'read the sudo password from standard input (used for this run only, never stored)')
    .option('--disable-password-login', 'once a key login works, turn password login off in sshd')
    .option('--identity <file>', 'log in with this private key afterwards instead of a new key made for Homeport')
    .option('--json', 'print the plan and the job as JSON')
    .action(async (server: string, opts: ProvisionOptions) => {
      const sudoPassword = opts.sudoPasswordStdin ? await readStdin() : undefined
      await withCore(async (core) => {
        const input = { serverId: server, disablePasswordLogin: Boolean(opts.disablePasswordLogin), ...(opts.identity ? { identityFile: opts.identity } : {}) }
        const plan = await core.call('provision.plan', input)
        if (!json()) printPlan(plan)
        const blocked = plan.steps.find((s) => s.status === 'blocked')
        if (blocked) throw new HomeportError(blocked.id === 'os' ? 'UNSUPPORTED_OS' : 'COMMAND_FAILED', blocked.detail)
        if (!plan.ready && !opts.yes) {
          if (!isInteractive()) throw usageError('Set-up changes the server and needs your go-ahead.', 'Read the plan above, then run again with --yes.')
          if (!(await askYes('Run these steps? (yes/no) '))) throw new HomeportError('CANCELLED', 'Nothing was changed.')
        }
        if (plan.needsSudoPassword && sudoPassword === undefined && !isInteractive()) {
          throw usageError('Set-up needs the sudo password of the user on the server.', 'Pass it on standard input with --sudo-password-stdin.')
        }
        const job = throwIfFailed(await runJob(core, progressMode(json()), () => core.call('provision.run', { ...input, ...(sudoPassword !== undefined ? { sudoPassword } : {}) })))
        if (job.kind !== 'provision' || !job.result) return
        // As `apps install --json`: one line per job update, then the result on the last line.
        if (json()) return void process.stdout.write(JSON.stringify(job.result) + '\n')
        const s = job.result.summary
        const done = job.result.steps.filter((x) => x.outcome === 'done').length
        process.stdout.write(`${server} is ready: ${s.os}, Docker ${s.docker}, agent ${s.agent}${s.keyFile ? `, key ${s.keyFile}` : ''} (${done ? `${done} step${done === 1 ? '' : 's'} done` : 'everything was already in place'}).\n`)
      }, 'local')
    })

  program
    .command('agent')
    .description('ask the Homeport agent on a server: hello (facts) or metrics (one sample)')
    .argument('<server>', 'server name')
    .argument('<verb>', 'hello or metrics')
    .option('--json', 'print JSON')
    .action(async (server: string, verb: string) => {
      if (verb !== 'hello' && verb !== 'metrics') throw usageError(`"${verb}" is not something the agent answers.`, 'Use `homeport agent SERVER hello` or `homeport agent SERVER metrics`.')
      await withCore(async (core) => {
        if (verb === 'hello') {
          const hello = await core.call('agent.hello', { serverId: server })
          return json() ? writeJson(hello) : printHello(hello)
        }
        const metrics = await core.call('agent.metrics', { serverId: server })
        return json() ? writeJson(metrics) : printMetrics(metrics)
      }, { server })
    })
}
