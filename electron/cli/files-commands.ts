// `homeport files …`: list, copy to and from, print, create, move and delete files and folders on a server.
// get and put run as jobs (progress on stderr, the result as the last JSON line with --json). A name that is
// already taken at the destination follows --overwrite, --skip or --rename; without one, a terminal asks
// and anything else refuses before a byte moves.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { Command } from 'commander'
import type { ClashPolicy, JobDto } from '../../shared/contract/index.js'
import { HomeportError } from '../../shared/errors.js'
import { progressMode, runJob, throwIfFailed } from './apps-job.js'
import type { CliCore } from './cli-core.js'
import { formatListing, formatTransfer } from './files-output.js'
import { usageError, writeJson } from './output.js'
import type { WithCore } from './server-commands.js'
import { askLine, isInteractive } from './tty-prompter.js'

interface ClashOptions {
  overwrite?: boolean
  skip?: boolean
  rename?: boolean
}

const CLASH_HINT = 'Run again with --overwrite (replace it), --skip (keep what is there) or --rename (keep both, the new one as "name (1)").'

function clashFlag(opts: ClashOptions): ClashPolicy | undefined {
  const given = (['overwrite', 'skip', 'rename'] as const).filter((k) => opts[k])
  if (given.length > 1) throw usageError(`Give one of --overwrite, --skip and --rename, not ${given.map((g) => `--${g}`).join(' and ')}.`)
  return given[0]
}

/** The last part of a path, trailing slashes ignored (`/srv/media/` → `media`). */
function lastPart(p: string): string {
  const trimmed = p.replace(/\/+$/, '')
  return trimmed.slice(trimmed.lastIndexOf('/') + 1) || trimmed
}

/**
 * The policy for the transfer. A clash can only happen under a name that the destination already holds at
 * the top, so that is all there is to check: with no flag, a terminal is asked once; otherwise a file in the
 * way is refused, and a folder to merge into goes on with `ask`, whose unanswered question stops the job
 * before anything is written.
 */
async function clashPolicy(opts: ClashOptions, destination: string, name: string, taken: () => Promise<'dir' | 'other' | undefined>): Promise<ClashPolicy> {
  const flag = clashFlag(opts)
  if (flag) return flag
  const existing = await taken()
  if (!existing) return 'ask'
  const what = existing === 'dir' ? `A folder named ${name} is already in ${destination}` : `${name} is already in ${destination}`
  if (!isInteractive()) {
    if (existing === 'dir') return 'ask'
    throw new HomeportError('NAME_CLASH', `${what}; nothing was transferred.`, { hint: CLASH_HINT })
  }
  const scope = existing === 'dir' ? ' (for every name inside it that is taken too)' : ''
  const answer = (await askLine(`${what}. Overwrite, skip or rename${scope}? (o/s/r, anything else cancels) `)).toLowerCase()
  const policy = ({ o: 'overwrite', overwrite: 'overwrite', s: 'skip', skip: 'skip', r: 'rename', rename: 'rename' } as const)[answer]
  if (!policy) throw new HomeportError('CANCELLED', 'Nothing was transferred.', { hint: CLASH_HINT })
  return policy
}

/** An unanswered clash question (no terminal) reads as the refusal it is. */
function refuseUnanswered(job: JobDto): JobDto {
  if (job.state === 'cancelled' || job.error?.code === 'CANCELLED') {
    const message = job.error?.message ?? ''
    if (/already exists/.test(message) && !isInteractive()) throw new HomeportError('NAME_CLASH', message, { hint: CLASH_HINT })
  }
  return throwIfFailed(job)
}

/** Waits for a job without drawing anything (for `cat`, whose stdout is the file). */
async function quietJob(core: CliCore, start: () => Promise<{ jobId: string }>): Promise<JobDto> {
  let id: string | undefined
  let finish: ((job: JobDto) => void) | undefined
  const early: JobDto[] = []
  const unsubscribe = core.on('job.update', (job) => (finish ? finish(job) : early.push(job)))
  const onSignal = () => id && void core.call('jobs.cancel', { id }).catch(() => {})
  process.on('SIGINT', onSignal)
  try {
    id = (await start()).jobId
    return await new Promise<JobDto>((resolve) => {
      finish = (job) => job.id === id && job.state !== 'running' && resolve(job)
      for (const job of early) finish(job)
      void core.call('jobs.get', { id: id! }).then((job) => finish!(job), () => {})
    })
  } finally {
    process.off('SIGINT', onSignal)
    unsubscribe()
  }
}

function isClosedPipe(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code
  return code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ERR_STREAM_DESTROYED'
}

export function registerFilesCommands(program: Command, withCore: WithCore, json: () => boolean): void {
  const files = program.command('files').description('browse, copy and change files and folders on a server')
  const clashOptions = (cmd: Command) =>
    cmd
      .option('--overwrite', 'replace what is already there under the same name')
      .option('--skip', 'keep what is already there, transfer the rest')
      .option('--rename', 'keep both: the new one gets a free name like "name (1).ext"')
      .option('--json', 'print progress and the result as JSON lines')

  files
    .command('ls')
    .description("list a folder on the server (like ls -l; names starting with '.' only with --all)")
    .argument('<server>', 'server name')
    .argument('[path]', 'folder on the server, absolute or from the SSH user\'s home', '.')
    .option('-a, --all', 'include names starting with a dot')
    .option('--json', 'print JSON')
    .action(async (server: string, where: string, opts: { all?: boolean }) => {
      await withCore(async (core) => {
        const list = await core.call('files.list', { serverId: server, path: where })
        const entries = list.entries.filter((e) => opts.all || !e.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        if (json()) return writeJson({ ...list, entries })
        process.stdout.write(formatListing({ ...list, entries }))
      }, { server })
    })

  clashOptions(files.command('get').description('download a file or a folder (with everything in it) into a local folder'))
    .argument('<server>', 'server name')
    .argument('<remote>', 'file or folder on the server')
    .argument('<local>', 'folder on this computer to put it in')
    .action(async (server: string, remote: string, local: string, opts: ClashOptions) => {
      const name = lastPart(remote)
      const onClash = await clashPolicy(opts, local, name, async () => {
        const st = await fs.promises.lstat(path.join(local, name)).catch(() => undefined)
        return st ? (st.isDirectory() ? 'dir' : 'other') : undefined
      })
      await withCore(async (core) => {
        const destination = path.resolve(local)
        const job = refuseUnanswered(await runJob(core, progressMode(json()), () => core.call('files.download', { serverId: server, sources: [remote], destination, onClash })))
        const result = job.kind === 'download' ? job.result : undefined
        if (json()) return void process.stdout.write(JSON.stringify(result ?? null) + '\n')
        if (result) process.stdout.write(formatTransfer('Downloaded', `from ${server} to ${destination}`, result))
      }, { server })
    })

  clashOptions(files.command('put').description('upload a file or a folder (with everything in it) into a folder on the server'))
    .argument('<server>', 'server name')
    .argument('<local>', 'file or folder on this computer')
    .argument('<remote>', 'folder on the server to put it in')
    .action(async (server: string, local: string, remote: string, opts: ClashOptions) => {
      const source = path.resolve(local)
      await fs.promises.lstat(source).catch(() => {
        throw new HomeportError('NOT_FOUND', `There is no ${local} on this computer.`, { hint: 'Check the path of the file or folder to upload.' })
      })
      await withCore(async (core) => {
        const name = path.basename(source)
        const onClash = await clashPolicy(opts, `${remote} on ${server}`, name, async () => {
          const list = await core.call('files.list', { serverId: server, path: remote })
          const found = list.entries.find((e) => e.name === name)
          return found ? (found.type === 'dir' ? 'dir' : 'other') : undefined
        })
        const job = refuseUnanswered(await runJob(core, progressMode(json()), () => core.call('files.upload', { serverId: server, sources: [source], destination: remote, onClash })))
        const result = job.kind === 'upload' ? job.result : undefined
        if (json()) return void process.stdout.write(JSON.stringify(result ?? null) + '\n')
        if (result) process.stdout.write(formatTransfer('Uploaded', `to ${remote} on ${server}`, result))
      }, { server })
    })

  files
    .command('cat')
    .description("print a file's bytes to stdout, unchanged")
    .argument('<server>', 'server name')
    .argument('<path>', 'file on the server')
    .action(async (server: string, remote: string) => {
      await withCore(async (core) => {
        const entry = await core.call('files.stat', { serverId: server, path: remote })
        if (entry.type === 'dir') throw new HomeportError('INVALID_INPUT', `${remote} on ${server} is a folder.`, { hint: `List it with \`homeport files ls ${server} PATH\`.` })
        if (entry.type === 'symlink') throw new HomeportError('INVALID_INPUT', `${remote} on ${server} is a link to ${entry.target ?? 'an unreadable target'}.`, { hint: 'Print the file it points to instead.' })
        if (entry.type !== 'file') throw new HomeportError('INVALID_INPUT', `${remote} on ${server} is not a regular file.`, { hint: 'Only files can be printed.' })
        const tmp = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'homeport-cat-'))
        try {
          throwIfFailed(await quietJob(core, () => core.call('files.download', { serverId: server, sources: [remote], destination: tmp, onClash: 'overwrite' })))
          const [file] = await fs.promises.readdir(tmp)
          if (!file) return
          await pipeline(fs.createReadStream(path.join(tmp, file)), process.stdout, { end: false }).catch((err: unknown) => {
            if (!isClosedPipe(err)) throw err
          })
        } finally {
          await fs.promises.rm(tmp, { recursive: true, force: true })
        }
      }, { server })
    })

  files
    .command('mkdir')
    .description('create a folder and any missing parents (an existing folder is fine)')
    .argument('<server>', 'server name')
    .argument('<path>', 'folder on the server')
    .option('--json', 'print the folder as JSON')
    .action(async (server: string, remote: string) => {
      await withCore(async (core) => {
        const entry = await core.call('files.mkdir', { serverId: server, path: remote })
        if (json()) return writeJson(entry)
        process.stdout.write(`Created ${remote} on ${server}.\n`)
      }, { server })
    })

  files
    .command('mv')
    .description('rename or move a file or folder on the server')
    .argument('<server>', 'server name')
    .argument('<from>', 'what to move')
    .argument('<to>', 'its new path (a taken name is refused unless --overwrite)')
    .option('--overwrite', 'replace a file already at the new path')
    .option('--json', 'print the moved entry as JSON')
    .action(async (server: string, from: string, to: string, opts: { overwrite?: boolean }) => {
      await withCore(async (core) => {
        const entry = await core.call('files.move', { serverId: server, from, to, overwrite: Boolean(opts.overwrite) })
        if (json()) return writeJson(entry)
        process.stdout.write(`Moved ${from} to ${to} on ${server}.\n`)
      }, { server })
    })

  files
    .command('rm')
    .description('delete a file, an empty folder, or with --recursive a folder and everything in it')
    .argument('<server>', 'server name')
    .argument('<path>', 'file or folder on the server')
    .option('-r, --recursive', 'delete a folder with everything in it')
    .option('-y, --yes', 'with --recursive: do not ask for confirmation')
    .option('--json', 'print JSON')
    .action(async (server: string, remote: string, opts: { recursive?: boolean; yes?: boolean }) => {
      if (opts.yes && !opts.recursive) throw usageError('--yes goes with --recursive.')
      if (opts.recursive && !opts.yes) {
        if (!isInteractive()) throw usageError(`Deleting ${remote} and everything in it needs confirmation.`, `Add --yes to delete ${remote} on ${server} with everything in it (this cannot be undone).`)
        const typed = await askLine(`This deletes ${remote} on ${server} and everything in it for good. Type the path again to confirm: `)
        if (typed !== remote) throw new HomeportError('CANCELLED', `Nothing was deleted: the path typed was not "${remote}".`)
      }
      await withCore(async (core) => {
        await core.call('files.remove', { serverId: server, path: remote, recursive: Boolean(opts.recursive), ...(opts.recursive ? { confirm: remote } : {}) })
        if (json()) return writeJson({ status: 'removed', server, path: remote })
        process.stdout.write(`Deleted ${remote} on ${server}.\n`)
      }, { server })
    })
}
