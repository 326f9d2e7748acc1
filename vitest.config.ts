import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'
import { LongFilesFirst } from './test/long-files-first.js'

// Integration files that disturb or watch what every file shares run one at a time, with nothing beside them.
const INTEGRATION_ALONE = [
  // They cut the run's one test sshd's connections, stop it or swap its host key.
  'test/integration/faults/**/*.test.ts',
  'test/integration/homeserver.test.ts',
  'test/integration/cli/host-key-change.test.ts',
  'test/integration/cli-apps/cli-faults.test.ts',
  'test/integration/cli-apps/ssh-drop-during-install.test.ts',
  'test/integration/backups/backups-ssh-drop.test.ts',
  'test/integration/deploy/deploy-ssh-drop.test.ts',
  'test/integration/files/resume.test.ts',
  'test/integration/docker/docker-tunnel.test.ts',
  'test/integration/docker/docker-watch.test.ts',
  'test/integration/monitor/reachability.test.ts',
  // They read the sshd's log for logins of their own.
  'test/integration/connection/login.test.ts',
  'test/integration/cli/through-homeport.test.ts',
  // They change the test user's crontab, which each schedule change reads and writes back whole.
  'test/integration/backups/backups-schedule.test.ts',
  'test/integration/tasks/tasks.test.ts',
  'test/integration/agent/agent-crontab.test.ts',
  'test/integration/cli/backups-schedule-cli.test.ts',
  'test/integration/cli/tasks-cli.test.ts',
  // They expect what anyone could add to be absent: probe entries in the keychain, a change to the test
  // user's authorized_keys, any alert at all; or read bytes freed off the engine's totals.
  'test/integration/core/keychain.test.ts',
  'test/integration/provision/provision-home.test.ts',
  'test/integration/cli/monitor-cli.test.ts',
  'test/integration/engine/engine-core.test.ts',
  'test/integration/cli/server-basics-cli.test.ts',
  // A swap measured under load; and a build of the test Caddy image when the engine lacks it, unlocked, as
  // deploy-cli does.
  'test/integration/deploy/deploy-swap.test.ts',
  'test/integration/deploy/deploy-health.test.ts',
]

// Projects, in the order they run: unit (pure logic, fast) beside integration (the core and CLI against the real
// test home server, two files at a time), then integration-alone (the files above, one at a time), then e2e
// (the built renderer in headless Chromium through the web host, one file at a time). The home server is
// started once per run by the global setup, and only when a project that needs it is selected.
//
// Tests that reach the server poll for 15 s unless they say otherwise: Vitest's one-second default is shorter
// than a busy two-core machine may take to show what a step did (a dialog closing, a row changing).
const SERVER_POLL = { poll: { timeout: 15_000 } }
export default defineConfig({
  test: {
    globalSetup: ['test/homeserver/global-setup.ts'],
    sequence: { sequencer: LongFilesFirst },
    projects: [
      {
        plugins: [vue()],
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'electron/**/*.test.ts', 'shared/**/*.test.ts', 'renderer/**/*.test.ts'],
          environment: 'node',
          // Same as integration: projects of one group share one worker count.
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: 'integration',
          expect: SERVER_POLL,
          include: ['test/integration/**/*.test.ts'],
          exclude: INTEGRATION_ALONE,
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Most of their time is spent waiting on the server (containers, restic, the agent's readings), so two
          // at once keep both cores of the CI machine busy. Their resources carry names of their own.
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: 'integration-alone',
          expect: SERVER_POLL,
          include: INTEGRATION_ALONE,
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'e2e',
          expect: SERVER_POLL,
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          // Its own group, never beside the integration files: both sides cut every connection of the run's one
          // test sshd, stop it and swap its host key, which would fail whatever the other side was doing.
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
})
