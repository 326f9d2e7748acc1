// Starts the longest files first, so the files that run beside each other end close together and the run
// does not finish with one long file alone on one core. Vitest's own order knows durations only from its
// cache of an earlier run on this machine, which a fresh CI checkout lacks; this table is the fallback.
// Order only: a file missing from it (or a stale figure) just starts later.

import path from 'node:path'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/** Seconds each long file of the `integration` project took in a full run on the 2-core CI machine. */
const KNOWN_SECONDS: Record<string, number> = {
  'test/integration/cli/backups-browse-cli.test.ts': 81,
  'test/integration/backups/backups-hooks-clone.test.ts': 68,
  'test/integration/monitor/disk-alert.test.ts': 64,
  'test/integration/cli-apps/two-service-app.test.ts': 54,
  'test/integration/cli-apps/malformed-compose.test.ts': 51,
  'test/integration/cli/backups-cli.test.ts': 45,
  'test/integration/cli/backups-diff-download-cli.test.ts': 45,
  'test/integration/backups/backups-core.test.ts': 40,
  'test/integration/cli/deploy-cli.test.ts': 34,
  'test/integration/monitor/container-alerts.test.ts': 34,
  'test/integration/cli/files-cli.test.ts': 31,
  'test/integration/fresh-system/fresh-debian.test.ts': 28,
  'test/integration/backups/backups-targets.test.ts': 27,
  'test/integration/backups/backups-update.test.ts': 26,
  'test/integration/connection/delayed-link.test.ts': 21,
  'test/integration/cli/cli.test.ts': 19,
  'test/integration/apps/install-first-call.test.ts': 18,
  'test/integration/apps/apps-core.test.ts': 15,
  'test/integration/cli-apps/cli-niceties.test.ts': 15,
  'test/integration/cli-apps/secrets-app.test.ts': 14,
  'test/integration/cli/provision-cli.test.ts': 14,
  'test/integration/cli/no-keychain.test.ts': 14,
  'test/integration/cli-apps/catalog-app.test.ts': 13,
  'test/integration/apps/compose-edit.test.ts': 12,
  'test/integration/fresh-system/provision-fresh.test.ts': 12,
  'test/integration/cli-apps/external-stack.test.ts': 12,
  'test/integration/cli-apps/build-app.test.ts': 11,
  'test/integration/cli/alert-prefs-cli.test.ts': 11,
  'test/integration/cli/bundle.test.ts': 10,
  'test/integration/agent/agent-script.test.ts': 10,
}

export class LongFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files)
    const seconds = (file: TestSpecification) => KNOWN_SECONDS[path.relative(this.ctx.config.root, file.moduleId).split(path.sep).join('/')] ?? 0
    const group = (file: TestSpecification) => file.project.config.sequence.groupOrder
    // Array.prototype.sort is stable: files of equal weight keep Vitest's order.
    return sorted.sort((a, b) => group(a) - group(b) || seconds(b) - seconds(a))
  }
}
