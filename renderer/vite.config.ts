import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

const rendererDir = fileURLToPath(new URL('.', import.meta.url))

// Relative base: the same build is loaded from file:// by Electron and over http:// by the web host.
export default defineConfig({
  root: rendererDir,
  base: './',
  plugins: [vue()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    // Electron 45 runs Chromium 140; the web host is for current browsers on the same machine.
    target: 'es2022',
  },
})
