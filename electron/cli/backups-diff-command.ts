// `homeport backups diff SERVER APP SNAP1 SNAP2`: what changed between two of an app's snapshots, one path a
// line with restic's own markers (+ added, - removed, M modified, T type changed, U metadata only).

import type { Command } from 'commander'
import type { SnapshotChangeDto, SnapshotDiffDto } from '../../shared/contract/index.js'
import { writeJson } from './output.js'
import type { WithCore } from './server-commands.js'

const MARK: Record<SnapshotChangeDto['change'], string> = { added: '+', removed: '-', modified: 'M', type: 'T', metadata: 'U' }

function kib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`
}

export function registerDiffCommand(backups: Command, withCore: WithCore, json: () => boolean): void {
  backups
    .command('diff')
    .description('what changed between two snapshots of an app')
    .argument('<server>', 'server name')
    .argument('<app>', 'app name')
    .argument('<from>', 'snapshot id, or latest')
    .argument('<to>', 'snapshot id, or latest')
    .option('--repo <name>', "the repository (default: the app's policy's)")
    .option('--json', 'print JSON')
    .action(async (server: string, app: string, from: string, to: string, opts: { repo?: string }) => {
      await withCore(async (core) => {
        const d: SnapshotDiffDto = await core.call('backups.diff', { serverId: server, app, from, to, ...(opts.repo ? { repository: opts.repo } : {}) })
        if (json()) return writeJson(d)
        const lines = d.changes.map((c) => `${MARK[c.change]}  ${c.path}\n`)
        process.stdout.write(`Snapshot ${d.from.slice(0, 8)} → ${d.to.slice(0, 8)} of ${app}:\n${lines.join('') || 'No changes.\n'}`)
        process.stdout.write(`${d.added.files} file(s) added, ${d.removed.files} removed, ${d.changedFiles} changed; ${kib(d.added.bytes)} added, ${kib(d.removed.bytes)} removed.\n`)
      }, { server })
    })
}
