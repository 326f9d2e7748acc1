// `homeport backups repo size` (what a repository takes and how much deduplication saves) and `homeport
// backups ls` (one folder of a snapshot, to pick the paths `backups restore --path` puts back).

import type { Command } from 'commander'
import type { RepositorySizeDto, SnapshotListingDto } from '../../shared/contract/index.js'
import { formatBytes } from './apps-job.js'
import { table, writeJson } from './output.js'
import type { WithCore } from './server-commands.js'

export function registerRepoSizeCommand(repo: Command, withCore: WithCore, json: () => boolean): void {
  repo
    .command('size')
    .description('what a repository takes on its target, what its snapshots hold, and the dedup ratio')
    .argument('<server>', 'server name')
    .argument('<name>', 'repository')
    .option('--json', 'print JSON')
    .action(async (server: string, name: string) => {
      await withCore(async (core) => {
        const s: RepositorySizeDto = await core.call('backups.repoSize', { serverId: server, repository: name })
        if (json()) return writeJson(s)
        process.stdout.write(`Repository ${name}: ${formatBytes(s.storedBytes)} stored for ${s.snapshots} snapshot(s) holding ${formatBytes(s.snapshotsBytes)} (dedup ratio ${s.dedupRatio.toFixed(2)}×).\n`)
      }, { server })
    })
}

export function registerLsCommand(backups: Command, withCore: WithCore, json: () => boolean): void {
  backups
    .command('ls')
    .description('list one folder of a snapshot (default: its top), to pick paths for `backups restore --path`')
    .argument('<server>', 'server name')
    .argument('<app>', 'app name')
    .argument('<snapshot>', 'snapshot id, or latest')
    .argument('[path]', 'a folder in the snapshot, e.g. /backup/volumes/VOLUME/docs', '/')
    .option('--repo <name>', "the repository (default: the app's policy's)")
    .option('--json', 'print JSON')
    .action(async (server: string, app: string, snapshot: string, path: string, opts: { repo?: string }) => {
      await withCore(async (core) => {
        const l: SnapshotListingDto = await core.call('backups.ls', { serverId: server, app, snapshot, path, ...(opts.repo ? { repository: opts.repo } : {}) })
        if (json()) return writeJson(l)
        if (!l.entries.length) return void process.stdout.write(`${l.path} in snapshot ${l.snapshotId.slice(0, 8)} is empty.\n`)
        const rows = l.entries.map((e) => [e.type === 'dir' ? 'dir' : e.type, e.size !== undefined ? formatBytes(e.size) : '', (e.mtime ?? '').slice(0, 16).replace('T', ' '), `${e.path}${e.type === 'dir' ? '/' : ''}`])
        process.stdout.write(table(['TYPE', 'SIZE', 'MODIFIED', 'PATH'], rows))
        if (l.truncated) process.stdout.write(`(only the first ${l.entries.length} entries; list a folder further down)\n`)
      }, { server })
    })
}
