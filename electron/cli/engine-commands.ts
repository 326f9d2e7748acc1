// `homeport images|volumes|networks SERVER`, `homeport df SERVER` and `homeport prune SERVER`: the engine's own
// objects with their sizes and the containers that use them, Docker's disk usage, and removing what nothing
// uses. Every removal shows what it removes and frees first; it asks on a terminal, takes --yes otherwise,
// and --dry-run stops after the preview.

import type { Command } from 'commander'
import type { ContainerUserDto, EngineItemDto, EngineKind, RemoveResultDto, UnusedDto } from '../../shared/contract/index.js'
import { HomeportError } from '../../shared/errors.js'
import { formatBytes } from './apps-job.js'
import type { CliCore } from './cli-core.js'
import { table, usageError, writeJson } from './output.js'
import type { WithCore } from './server-commands.js'
import { askYes, isInteractive } from './tty-prompter.js'

const users = (list: ContainerUserDto[]) => list.map((u) => u.name).join(', ') || '—'
const shortId = (id: string) => id.replace(/^sha256:/, '').slice(0, 12)

interface RemoveOptions {
  rm?: string[]
  dryRun?: boolean
  yes?: boolean
}

function formatPreview(preview: UnusedDto, verb: string): string {
  if (!preview.items.length) return `Nothing to ${verb}.\n`
  const rows = preview.items.map((i) => [i.kind, i.label, i.kind === 'network' ? '—' : formatBytes(i.size)])
  return `${table(['KIND', 'NAME', 'FREES'], rows)}${preview.items.length} to ${verb}, freeing ${formatBytes(preview.bytes)}.\n`
}

function formatResult(result: RemoveResultDto): string {
  const lines = result.failed.map((f) => `not removed: ${f.kind} ${f.label}: ${f.error}`)
  lines.push(`Removed ${result.removed.length} (${result.removed.map((r) => r.label).join(', ') || 'nothing'}), freed ${formatBytes(result.bytesFreed)}.`)
  return `${lines.join('\n')}\n`
}

/** Shows the preview, asks (or takes --yes), removes; exits non-zero if anything was left. */
async function removeWithPreview(core: CliCore, server: string, preview: UnusedDto, opts: RemoveOptions, json: boolean, verb: string): Promise<void> {
  if (opts.dryRun || !preview.items.length) {
    if (json) return writeJson({ dryRun: Boolean(opts.dryRun), ...preview })
    return void process.stdout.write(formatPreview(preview, verb))
  }
  if (!json) process.stderr.write(formatPreview(preview, verb))
  if (!opts.yes) {
    if (!isInteractive()) throw usageError(`Removing from ${server} needs confirmation.`, 'Check the list with --dry-run, then add --yes.')
    if (!(await askYes('Remove them? This cannot be undone. (yes/no) '))) throw new HomeportError('CANCELLED', 'Nothing was removed.')
  }
  const result = await core.call('engine.remove', { serverId: server, items: preview.items.map(({ kind, ref }) => ({ kind, ref })) })
  if (json) writeJson(result)
  else process.stdout.write(formatResult(result))
  if (result.failed.length) {
    throw new HomeportError('DOCKER_ERROR', `${result.failed.length} of ${preview.items.length} could not be removed.`, {
      hint: 'Each line above says why; an item in use goes once the containers using it are removed.',
    })
  }
}

/** The preview of removing these named items: what they are and what they free, in-use ones refused up front. */
async function namedPreview(core: CliCore, server: string, kind: EngineKind, refs: string[]): Promise<UnusedDto> {
  const unused = await core.call('engine.unused', { serverId: server, kinds: [kind] })
  const items: EngineItemDto[] = []
  for (const ref of refs) {
    const found = unused.items.find((i) => i.ref === ref || i.label === ref || i.label.split(', ').includes(ref) || (ref.length >= 12 && shortId(i.ref).startsWith(shortId(ref))))
    if (!found) {
      throw new HomeportError('NOT_FOUND', `No unused ${kind} "${ref}" on ${server}: it does not exist or a container uses it.`, {
        hint: `\`homeport ${kind}s ${server}\` lists them with the containers that use each; only unused ones can be removed.`,
      })
    }
    items.push(found)
  }
  return { items, bytes: items.reduce((sum, i) => sum + i.size, 0) }
}

function listCommand(program: Command, kind: EngineKind, description: string, print: (core: CliCore, server: string, json: boolean) => Promise<void>, withCore: WithCore, json: () => boolean): void {
  program
    .command(`${kind}s`)
    .description(`${description}; --rm removes unused ones (preview first)`)
    .argument('<server>', 'server name')
    .option('--rm <ref...>', `remove these unused ${kind}s (${kind === 'volume' ? 'names' : 'names or ids'})`)
    .option('--dry-run', 'with --rm: show what would be removed and freed, change nothing')
    .option('-y, --yes', 'with --rm: do not ask')
    .option('--json', 'print JSON')
    .action(async (server: string, opts: RemoveOptions) => {
      if ((opts.dryRun || opts.yes) && !opts.rm) throw usageError(`--dry-run and --yes go with --rm.`, `\`homeport ${kind}s ${server} --rm NAME --dry-run\``)
      await withCore(async (core) => {
        if (opts.rm) return removeWithPreview(core, server, await namedPreview(core, server, kind, opts.rm), opts, json(), 'remove')
        await print(core, server, json())
      }, { server })
    })
}

export function registerEngineCommands(program: Command, withCore: WithCore, json: () => boolean): void {
  listCommand(program, 'image', "list a server's images with their sizes and the containers using them", async (core, server, asJson) => {
    const images = await core.call('engine.images', { serverId: server })
    if (asJson) return writeJson(images)
    process.stdout.write(table(['IMAGE ID', 'TAGS', 'SIZE', 'SHARED', 'USED BY'], images.map((i) => [shortId(i.id), i.tags.join(', ') || '<none>', formatBytes(i.size), formatBytes(i.sharedSize), users(i.users)])))
  }, withCore, json)
  listCommand(program, 'volume', "list a server's volumes with their sizes and the containers using them", async (core, server, asJson) => {
    const volumes = await core.call('engine.volumes', { serverId: server })
    if (asJson) return writeJson(volumes)
    process.stdout.write(table(['NAME', 'DRIVER', 'SIZE', 'APP', 'USED BY'], volumes.map((v) => [v.name, v.driver, v.size === undefined ? '?' : formatBytes(v.size), v.project ?? '—', users(v.users)])))
  }, withCore, json)
  listCommand(program, 'network', "list a server's networks with the containers attached", async (core, server, asJson) => {
    const networks = await core.call('engine.networks', { serverId: server })
    if (asJson) return writeJson(networks)
    process.stdout.write(table(['NETWORK ID', 'NAME', 'DRIVER', 'SCOPE', 'APP', 'USED BY'], networks.map((n) => [shortId(n.id), n.name, n.driver, n.scope, n.project ?? (n.builtIn ? '(Docker)' : '—'), users(n.users)])))
  }, withCore, json)

  program
    .command('df')
    .description("Docker's disk usage on a server, as `docker system df` prints it")
    .argument('<server>', 'server name')
    .option('--json', 'print JSON')
    .action(async (server: string) => {
      await withCore(async (core) => {
        const usage = await core.call('engine.usage', { serverId: server })
        if (json()) return writeJson(usage)
        const rows = (['images', 'containers', 'volumes', 'buildCache'] as const).map((k) => {
          const u = usage[k]
          return [k === 'buildCache' ? 'Build cache' : k[0].toUpperCase() + k.slice(1), String(u.count), String(u.active), formatBytes(u.size), formatBytes(u.reclaimable)]
        })
        process.stdout.write(table(['TYPE', 'TOTAL', 'ACTIVE', 'SIZE', 'RECLAIMABLE'], rows))
      }, { server })
    })

  program
    .command('prune')
    .description('remove the images and networks no container uses (and, with --volumes, the unused volumes and their data)')
    .argument('<server>', 'server name')
    .option('--volumes', 'also remove unused volumes: the data of removed apps goes with them')
    .option('--dry-run', 'show what would be removed and freed, change nothing')
    .option('-y, --yes', 'do not ask')
    .option('--json', 'print JSON')
    .action(async (server: string, opts: RemoveOptions & { volumes?: boolean }) => {
      const kinds: EngineKind[] = opts.volumes ? ['image', 'volume', 'network'] : ['image', 'network']
      await withCore(async (core) => removeWithPreview(core, server, await core.call('engine.unused', { serverId: server, kinds }), opts, json(), 'remove'), { server })
    })
}
