import { defineConfig } from 'vitest/config'
export default defineConfig({ test: { include: ['electron/core/docker/**/*.test.ts'], environment: 'node' } })
