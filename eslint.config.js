// Lint also guards the layers: renderer → shared, preload → shared, main/cli/web → core → shared.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'
import globals from 'globals'

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'net', 'http', 'https', 'crypto', 'stream', 'events', 'url']

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
    },
  },
  {
    files: ['electron/core/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'electron/core runs in plain Node (CLI, web host, tests): never import electron here.' }], patterns: [{ group: ['**/renderer/**', '**/electron/main/**', '**/electron/cli/**', '**/electron/web/**', '**/electron/preload/**'], message: 'core may import only core and shared.' }] }],
    },
  },
  {
    files: ['shared/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: [...nodeBuiltins, 'electron', 'ssh2', 'dockerode', 'vue', 'pinia', '**/electron/**', '**/renderer/**'], message: 'shared/ is the contract: no Node, no DOM, no app code.' }] }],
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: [...nodeBuiltins, 'electron', 'ssh2', 'dockerode', 'better-sqlite3', 'keytar', '**/electron/**'], message: 'the renderer talks to the core only through window.homeport / the web host (src/api).' }] }],
    },
  },
  {
    files: ['electron/preload/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/electron/core/**', '**/renderer/**', 'ssh2', 'dockerode', 'better-sqlite3', 'keytar'], message: 'the preload is a thin bridge: shared/ only.' }] }],
    },
  },
)
