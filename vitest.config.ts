import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

// Three projects: unit (pure logic, fast), integration (core against the real test home server),
// e2e (built renderer in headless Chromium through the web host), never beside the integration files. The
// home server is started once per run by the global setup, and only when a project that needs it is selected.
export default defineConfig({
  test: {
    globalSetup: ['test/homeserver/global-setup.ts'],
    projects: [
      {
        plugins: [vue()],
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'electron/**/*.test.ts', 'shared/**/*.test.ts', 'renderer/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          // Its own group, never beside the integration files: both sides cut every connection of the run's one
          // test sshd, stop it and swap its host key, which would fail whatever the other side was doing.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
})
