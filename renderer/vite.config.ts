import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// Relative base: the same build is loaded from file:// by Electron and over http:// by the web host.
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [vue()],
  build: {
    outDir: `${import.meta.dirname}/../dist/renderer`,
    emptyOutDir: true,
    // Electron 45 runs Chromium 140; the web host is for current browsers on the same machine.
    target: 'es2022',
  },
})
