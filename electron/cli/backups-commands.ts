// `homeport backups …`: repositories, a policy per app, runs and restores (jobs with progress on stderr,
// the result as JSON with --json), and the snapshots.

import { resolve } from 'node:path'
import type { Command } from 'commander'
import type { BackupJobResult, DrillJobResult, PolicyDto, RestoreJobResult, SnapshotDto } from '../../shared/contract/index.js'
import { HomeportError } from '../../shared/errors.js'
import { progressMode, runJob, throwIfFailed } from './apps-job.js'
import { repoTarget, stdinSecrets, type RepoAddFlags } from './backups-repo-target.js'
import { registerLsCommand, registerRepoSizeCommand } from './backups-browse-commands.js'
import { registerDiffCommand } from './backups-diff-command.js'
import { registerScheduleCommands } from './backups-schedule-commands.js'
import { table, usageError, writeJson } from './output.js'
import type { WithCore } from './server-commands.js'
import { readStdin } from './stdin.js'
import { askLine, isInteractive } from './tty-prompter.js'

/** The setting the core reads (electron/core/backups/restic-container.ts). */
const RESTIC_IMAGE_SETTING = 'backups.resticImage'
const KEEP = ['last', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const

function count(value: string, flag: string): number {
  if (!/^\d+$/.test(value)) throw usageError(`${flag} ${value} is not a whole number.`)
  return Number(value)
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`
}

function policyLine(p: PolicyDto): string {
  const keep = KEEP.filter((k) => p.retention[k] > 0).map((k) => `${k} ${p.retention[k]}`).join(', ')
  const proven = p.lastProvenRestore ? `; last proven restore: ${p.lastProvenRestore.time.slice(0, 16).replace('T', ' ')}` : ''
  return `${p.app}: to ${p.repository}, ${p.consistency === 'stop' ? 'stopped during the snapshot' : 'kept running (x-homeport hooks)'}; keeps ${keep || 'everything'}${proven}\n`
}

export function registerBackupsCommands(program: Command, withCore: WithCore, json: () => boolean): void {
  const backups = program.command('backups').description('back up apps with restic (run on the server) and restore them')

  backups
    .command('key')
    .description("print the server's backup SSH key: add it to authorized_keys on an SFTP target")
    .argument('<server>', 'server name')
    .option('--json', 'print JSON')
    .action(async (server: string) => {
      await withCore(async (core) => {
        const { publicKey } = await core.call('backups.sshKey', { serverId: server })
        if (json()) return writeJson({ publicKey })
        process.stdout.write(`${publicKey}\n`)
      }, { server })
    })

  backups
    .command('image')
    .description('show or set the restic image backups run in (default: the official image, pinned by digest)')
    .argument('[image]', 'an image reference, e.g. registry.example.org/restic/restic:0.17.3')
    .option('--default', 'go back to the default image')
    .option('--json', 'print JSON')
    .action(async (image: string | undefined, opts: { default?: boolean }) => {
      if (image && opts.default) throw usageError('Give an image or --default, not both.')
      await withCore(async (core) => {
        if (image || opts.default) await core.call('settings.set', { key: RESTIC_IMAGE_SETTING, value: opts.default ? null : image })
        const current = (await core.call('settings.get', { key: RESTIC_IMAGE_SETTING })) as string | null | undefined
        if (json()) return writeJson({ image: current || null })
        process.stdout.write(current ? `Backups run restic from ${current}.\n` : 'Backups run restic from the official image (pinned by digest).\n')
      })
    })

  const repo = backups.command('repo').description('repositories backups go to')
  repo
    .command('add')
    .description('add a repository: initialised if empty, then checked')
    .argument('<server>', 'server name')
    .argument('<name>', 'a name for it (lower-case letters, digits, - and _)')
    .option('--path <folder>', 'a folder on the server (an external drive…); with --target: the folder on the other server')
    .option('--kind <kind>', 'local, sftp, s3 or homeport (default: from the flags given)')
    .option('--target <other-server>', 'another server added in Homeport: a user there is made, allowed only SFTP into one folder (sudo there)')
    .option('--target-host <host>', 'with --target: the address this server reaches the other one at, when not the one this computer uses (a LAN address)')
    .option('--sudo-password-stdin', "with --target: read the other server's sudo password from standard input (after the other secrets; used once, never stored)")
    .option('--sftp <user@host:path>', 'a folder on an SSH host, reached from the server')
    .option('--port <port>', 'with --sftp (default 22) or --target-host (default: the port Homeport uses): the SSH port')
    .option('--host-key <SHA256:…>', "with --sftp: the host key's fingerprint to pin")
    .option('--trust-on-first-use', 'with --sftp: pin the host key seen now')
    .option('--s3 <url>', 'an S3-compatible bucket: https://ENDPOINT/BUCKET[/PREFIX]')
    .option('--access-key-id <id>', 'with --s3: the access key id')
    .option('--secret-key-stdin', 'with --s3: read the secret key from standard input (after the password, with --password-stdin)')
    .option('--ca-cert <file>', 'with --s3: a PEM certificate to trust for a private endpoint')
    .option('--region <region>', 'with --s3: the region')
    .option('--password-stdin', 'read the repository password from standard input (default: a new one is generated and printed once)')
    .option('--json', 'print JSON')
    .action(async (server: string, name: string, flags: RepoAddFlags) => {
      const secrets = await stdinSecrets(flags)
      const target = repoTarget(flags, secrets.secretKey)
      await withCore(async (core) => {
        const added = await core.call('backups.repoAdd', { serverId: server, name, target, ...(secrets.password ? { password: secrets.password } : {}), ...(secrets.sudoPassword !== undefined ? { sudoPassword: secrets.sudoPassword } : {}) })
        if (json()) return writeJson(added)
        process.stdout.write(`Added repository ${name} (${added.repository.location}); it passed restic's check.\n`)
        if (added.repository.targetUser) process.stdout.write(`On ${added.repository.targetServer}, user ${added.repository.targetUser} may only use SFTP in its folder; its key is in this computer's keychain.\n`)
        if (added.generatedPassword) process.stdout.write(`Its password (kept in this computer's keychain; write it down, a lost password loses the backups):\n${added.generatedPassword}\n`)
      }, { server })
    })
  repo
    .command('list')
    .description("a server's repositories")
    .argument('<server>', 'server name')
    .option('--json', 'print JSON')
    .action(async (server: string) => {
      await withCore(async (core) => {
        const list = await core.call('backups.repoList', { serverId: server })
        if (json()) return writeJson(list)
        if (!list.length) return void process.stdout.write(`${server} has no backup repository yet (homeport backups repo add).\n`)
        process.stdout.write(table(['NAME', 'KIND', 'LOCATION'], list.map((r) => [r.name, r.kind, r.location])))
      }, { server })
    })
  repo
    .command('check')
    .description("run restic's check on a repository")
    .argument('<server>', 'server name')
    .argument('<name>', 'repository')
    .option('--json', 'print JSON')
    .action(async (server: string, name: string) => {
      await withCore(async (core) => {
        const result = await core.call('backups.repoCheck', { serverId: server, repository: name })
        if (json()) return writeJson(result)
        process.stdout.write(`Repository ${name} passed restic's check.\n`)
      }, { server })
    })
  repo
    .command('remove')
    .description('forget a repository (its data stays where it is)')
    .argument('<server>', 'server name')
    .argument('<name>', 'repository')
    .option('--remove-on-target', 'a repository on another Homeport server: also remove its user and sshd rule there (the backups stay)')
    .option('--sudo-password-stdin', "with --remove-on-target: read the other server's sudo password from standard input")
    .option('--json', 'print JSON')
    .action(async (server: string, name: string, opts: { removeOnTarget?: boolean; sudoPasswordStdin?: boolean }) => {
      const sudoPassword = opts.sudoPasswordStdin ? await readStdin() : undefined
      await withCore(async (core) => {
        await core.call('backups.repoRemove', { serverId: server, repository: name, removeOnTarget: Boolean(opts.removeOnTarget), ...(sudoPassword !== undefined ? { sudoPassword } : {}) })
        if (json()) return writeJson({ status: 'removed', repository: name, removedOnTarget: Boolean(opts.removeOnTarget) })
        process.stdout.write(`Forgot repository ${name}${opts.removeOnTarget ? ' and removed its user on the other server' : ''}; its snapshots are still where they were.\n`)
      }, { server })
    })

  registerRepoSizeCommand(repo, withCore, json)
  registerScheduleCommands(backups, withCore, json)
  registerDiffCommand(backups, withCore, json)
  registerLsCommand(backups, withCore, json)

  const policy = backups.command('policy').description('how an app is backed up')
  const setPolicy = policy
    .command('set')
    .description("set an app's repository, consistency and retention")
    .argument('<server>', 'server name')
    .argument('<app>', 'app name')
    .requiredOption('--repo <name>', 'the repository')
    .option('--hooks', "keep the app running and run its x-homeport pre/post hooks (default: stop it for the snapshot)")
    .option('--json', 'print JSON')
  for (const k of KEEP) setPolicy.option(`--keep-${k} <n>`, `how many ${k === 'last' ? 'latest' : k} snapshots to keep`)
  setPolicy.action(async (server: string, app: string, opts: Record<string, string | boolean | undefined>) => {
    const given = Object.fromEntries(KEEP.filter((k) => opts[`keep${k[0].toUpperCase()}${k.slice(1)}`] !== undefined).map((k) => [k, count(String(opts[`keep${k[0].toUpperCase()}${k.slice(1)}`]), `--keep-${k}`)]))
    await withCore(async (core) => {
      const current = await core.call('backups.policyGet', { serverId: server, app })
      const retention = { ...(current?.retention ?? {}), ...given }
      const set = await core.call('backups.policySet', { serverId: server, app, repository: String(opts.repo), consistency: opts.hooks ? 'hooks' : 'stop', retention })
      if (json()) return writeJson(set)
      process.stdout.write(policyLine(set))
    }, { server })
  })
  policy
    .command('show')
    .description("an app's backup policy")
    .argument('<server>', 'server name')
    .argument('<app>', 'app name')
    .option('--json', 'print JSON')
    .action(async (server: string, app: string) => {
      await withCore(async (core) => {
        const p = await core.call('backups.policyGet', { serverId: server, app })
        if (json()) return writeJson(p)
        process.stdout.write(p ? policyLine(p) : `${app} has no backup policy (homeport backups policy set ${server} ${app} --repo REPO).\n`)
      }, { server })
    })

  policy
    .command('remove')
    .description('stop backing up an app (its snapshots stay in the repository)')
    .argument('<server>', 'server name')
    .argument('<app>', 'app name')
    .option('--json', 'print JSON')
    .action(async (server: string, app: string) => {
      await withCore(async (core) => {
        await core.call('backups.policyRemove', { serverId: server, app })
        if (json()) return writeJson({ status: 'removed', app })
        process.stdout.write(`${app} is no longer backed up; its snapshots stay in the repository.\n`)
      }, { server })
    })

  backups
    .command('run')
    .description('back up an app now, following its policy')
    .argument('<server>', 'server name')
    .argument('<app>', 'app name')
    .option('--json', 'print progress and the result as JSON lines')
    .action(async (server: string, app: string) => {
      await withCore(async (core) => {
        const job = throwIfFailed(await runJob(core, progressMode(json()), () => core.call('backups.run', { serverId: server, app })))
        const r = job.result as BackupJobResult
        // One line: it ends the stream of progress objects.
        if (json()) return void process.stdout.write(`${JSON.stringify(r)}\n`)
        const downtime = r.consistency === 'stop' ? `${app} was stopped for ${(r.downtimeMs / 1000).toFixed(1)} s` : `${app} kept running`
        process.stdout.write(`Snapshot ${r.snapshotId} of ${app} in ${r.repository}: ${mib(r.bytesProcessed)} read, ${mib(r.bytesAdded)} new; ${downtime}; ${r.forgotten} old snapshot(s) removed by the retention policy.\n`)
      }, { server })
    })

  backups
    .command('drill')
    .description("restore the app's latest snapshot into scratch volumes and check every file against it (the app is not touched)")
    .argument('<server>', 'server name')
    .argument('<app>', 'app name')
    .option('--json', 'print progress and the result as JSON lines')
    .action(async (server: string, app: string) => {
      await withCore(async (core) => {
        const job = throwIfFailed(await runJob(core, progressMode(json()), () => core.call('backups.drill', { serverId: server, app })))
        const r = job.result as DrillJobResult
        if (json()) return void process.stdout.write(`${JSON.stringify(r)}\n`)
        process.stdout.write(`Proven: snapshot ${r.snapshotId.slice(0, 8)} of ${app} restores; all ${r.files} file(s), ${mib(r.bytes)}, as they were backed up.\n`)
      }, { server })
    })

  backups
    .command('snapshots')
    .description("snapshots of an app (in its policy's repository) or of every repository")
    .argument('<server>', 'server name')
    .argument('[app]', 'app name')
    .option('--repo <name>', 'only this repository')
    .option('--json', 'print JSON')
    .action(async (server: string, app: string | undefined, opts: { repo?: string }) => {
      await withCore(async (core) => {
        const list: SnapshotDto[] = await core.call('backups.snapshots', { serverId: server, ...(app ? { app } : {}), ...(opts.repo ? { repository: opts.repo } : {}) })
        if (json()) return writeJson(list)
        if (!list.length) return void process.stdout.write('No snapshots.\n')
        process.stdout.write(table(['ID', 'TIME', 'APP', 'REPOSITORY', 'HOLDS'], list.map((s) => [s.shortId, s.time.slice(0, 19).replace('T', ' '), s.app, s.repository, [...s.volumes, ...s.binds].join(', ')])))
      }, { server })
    })

  backups
    .command('restore')
    .description('restore a snapshot into the app (replacing its data), as a new app (--as), or one path (--path)')
    .argument('<server>', 'server name')
    .argument('<app>', 'app name')
    .argument('<snapshot>', 'snapshot id, or latest')
    .option('--as <name>', 'install the snapshot as a new app with its own volumes')
    .option('--path <path>', 'only this file or folder, e.g. /backup/volumes/VOLUME/some/file (repeat for several; see `backups ls`)', (p: string, all: string[]) => [...all, p], [] as string[])
    .option('--repo <name>', "the repository (default: the app's policy's)")
    .option('--to-local <dir>', 'download --path into this folder on this computer instead (the app is not touched)')
    .option('-y, --yes', 'restore into the app without asking (its data is replaced)')
    .option('--json', 'print progress and the result as JSON lines')
    .action(async (server: string, app: string, snapshot: string, opts: { as?: string; path: string[]; repo?: string; yes?: boolean; toLocal?: string }) => {
      if (opts.toLocal && opts.path.length > 1) throw usageError('--to-local downloads one file or folder.', 'Give one --path with --to-local.')
      const paths = opts.path.length > 1 ? { paths: opts.path } : opts.path.length ? { path: opts.path[0] } : {}
      if (!opts.as && !opts.yes && !opts.toLocal) {
        const what = opts.path.length ? `${opts.path.join(', ')} in "${app}"` : `the data (volumes and folders) of "${app}"`
        if (!isInteractive()) throw usageError(`Restoring replaces ${what}; it needs confirmation.`, `Add --yes to restore without a question, or --as NAME to restore as a new app.`)
        if ((await askLine(`This replaces ${what} with snapshot ${snapshot}. Type the app name to confirm: `)) !== app) throw new HomeportError('CANCELLED', `Nothing was restored: the name typed was not "${app}".`)
      }
      await withCore(async (core) => {
        const input = { serverId: server, app, snapshot, ...(opts.as ? { as: opts.as } : { confirm: app }), ...paths, ...(opts.repo ? { repository: opts.repo } : {}), ...(opts.toLocal ? { toLocal: resolve(opts.toLocal) } : {}) }
        const job = throwIfFailed(await runJob(core, progressMode(json()), () => core.call('backups.restore', input)))
        const r = job.result as RestoreJobResult
        if (json()) return void process.stdout.write(`${JSON.stringify(r)}\n`)
        if (r.local) return void process.stdout.write(`Downloaded ${r.path} (${r.files} file(s), ${mib(r.bytes)}) from snapshot ${r.snapshotId.slice(0, 8)} to ${r.local}.\n`)
        process.stdout.write(`Restored ${r.files} file(s), ${mib(r.bytes)}, from snapshot ${r.snapshotId.slice(0, 8)} into ${r.target}; it is ${r.health}.\n`)
        for (const p of r.ports ?? []) process.stdout.write(`Port ${p.from} of ${p.service} was taken, so ${r.target} publishes it on ${p.to}.\n`)
      }, { server })
    })
}
