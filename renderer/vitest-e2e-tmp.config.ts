import { defineConfig } from 'vitest/config'
export default defineConfig({
  root: '/work/main',
  test: { name: 'e2e', include: ['renderer/e2e-tmp/*.test.ts'], globalSetup: ['test/homeserver/global-setup.ts'], testTimeout: 120_000, hookTimeout: 180_000 },
})
