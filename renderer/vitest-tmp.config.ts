import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'
export default defineConfig({
  root: '/work/main',
  plugins: [vue()],
  test: { include: ['renderer/**/*.test.ts'], environment: 'node' },
})
