// Lint also guards the layers: renderer → shared, preload → shared, main/cli/web → core/runtime → core → shared.
// test/unit/layer-rules.test.ts breaks every rule below on purpose and fails if one stops biting.
import { builtinModules } from 'node:module'
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'
import globals from 'globals'

// Imports are matched as written, and relative paths cannot be resolved by a pattern: "up one or more
// levels, then into folder X" is the only reliable sign of leaving a folder. So a rule names the folder an
// import lands in (`../core/…`, `../../../shared/…`, `../../electron/main/…`), whatever the file's depth.
// The price: no folder inside a layer may be named like another layer (no `electron/core/web/`).
const up = String.raw`^(\./)?(\.\./)+`
const anyOf = (names) => `(${names.join('|')})`
const intoTop = (names) => `${up}${anyOf(names)}(/|$)`
const intoElectron = (names) => `${up}(electron/)?${anyOf(names)}(/|$)`
const bare = (names) => `^${anyOf(names)}(/.*)?$`

const nodeBuiltins = String.raw`^node:|` + bare(builtinModules)
const coreOnlyPackages = bare(['ssh2', 'dockerode', 'docker-modem', 'better-sqlite3', 'keytar'])
const electronPackage = bare(['electron'])
const frontEnds = ['main', 'cli', 'web', 'preload']
const notCode = ['test', 'scripts', 'bin', 'resources']
// The one door into the core: runtime/index.ts, written with or without its extension (Bundler resolution).
const coreExceptRuntimeIndex = String.raw`${up}(electron/)?core(?!/runtime(/index(\.[jt]s)?)?$)(/|$)`

// One block per folder. Each restriction feeds both `no-restricted-imports` (static imports and
// `export … from`) and `no-restricted-syntax` (`import()` and `import('…')` types, which the former skips:
// the CLI loads parts of itself lazily). A later block setting either rule for the same files would
// replace these lists, so other restrictions belong in here.
function layer(name, files, restrictions, extra = {}) {
  const message = (text) => `Layer rule "${name}": ${text}`
  // esquery reads a regex up to the first "/", so slashes inside it are written as \x2F.
  const selector = (regex) => `:matches(ImportExpression, TSImportType)[source.value=/${regex.replaceAll('/', String.raw`\x2F`)}/i]`
  return {
    name: `layers/${name}`,
    files,
    ...extra,
    rules: {
      'no-restricted-imports': ['error', { patterns: restrictions.map(({ regex, text }) => ({ regex, message: message(text) })) }],
      'no-restricted-syntax': ['error', ...restrictions.map(({ regex, text }) => ({ selector: selector(regex), message: message(text) }))],
    },
  }
}

function frontEnd(folder, { electron }) {
  const rule = `${folder} → core/runtime + shared`
  return layer(rule, [`electron/${folder}/**`], [
    { regex: coreExceptRuntimeIndex, text: `${folder} may import the core only through electron/core/runtime/index.ts: export what it needs there.` },
    { regex: intoElectron(frontEnds.filter((other) => other !== folder)), text: `${folder} never imports another front end (main, cli, web, preload): put shared code in the core (exported from runtime/index.ts) or in shared/.` },
    { regex: intoTop(['renderer', ...notCode]), text: `${folder} never imports renderer/, test/, scripts/, bin/ or resources/: it imports only electron/core/runtime/index.ts and shared/.` },
    { regex: coreOnlyPackages, text: `${folder} never uses ssh2, dockerode, better-sqlite3 or keytar itself: that is the core's work, reached through electron/core/runtime/index.ts.` },
    ...(electron ? [] : [{ regex: electronPackage, text: `${folder} runs in plain Node, without Electron: never import electron here.` }]),
  ])
}

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
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  layer('renderer → shared', ['renderer/**'], [
    { regex: intoTop(['electron']), text: 'the renderer never imports electron/: call the core through the contract (src/api: window.homeport or the web host).' },
    { regex: intoTop(notCode), text: 'the renderer never imports test/, scripts/, bin/ or resources/: move what it needs into renderer/ or shared/.' },
    { regex: nodeBuiltins, text: 'the renderer runs in a browser, where Node built-ins do not exist: ask the core through the contract (src/api).' },
    { regex: `${electronPackage}|${coreOnlyPackages}`, text: 'electron, ssh2, dockerode, better-sqlite3 and keytar run only in Node, in the core: ask the core through the contract (src/api).' },
  ], { ignores: ['renderer/vite.config.ts'] }),
  layer('shared → nothing of ours', ['shared/**'], [
    { regex: intoTop(['electron', 'renderer', ...notCode]), text: 'shared/ imports nothing of ours (electron/, renderer/, test/, scripts/, bin/, resources/): move what it needs into shared/.' },
    { regex: String.raw`^(?!zod(/|$)|\.)`, text: 'shared/ loads in Node and in the browser alike: it may import only zod and itself (no Node, DOM, electron, ssh2, dockerode, vue or pinia).' },
  ]),
  layer('core → core + shared', ['electron/core/**'], [
    { regex: electronPackage, text: 'electron/core runs in plain Node (CLI, web host, tests): never import electron; let main supply it through an interface in runtime/types.ts.' },
    { regex: intoElectron(frontEnds), text: 'electron/core never imports main, cli, web or preload: they import the core, not the other way round; take what it needs through CoreOptions (runtime/types.ts).' },
    { regex: intoTop(['renderer', ...notCode]), text: 'electron/core never imports renderer/, test/, scripts/, bin/ or resources/: it imports only core and shared/.' },
  ]),
  frontEnd('main', { electron: true }),
  frontEnd('cli', { electron: false }),
  frontEnd('web', { electron: false }),
  layer('preload → shared', ['electron/preload/**'], [
    { regex: intoElectron(['core', 'main', 'cli', 'web']), text: 'the preload never imports core, main, cli or web: it is a sandboxed bridge to the core over IPC; use shared/ only.' },
    { regex: intoTop(['renderer', ...notCode]), text: 'the preload never imports renderer/, test/, scripts/, bin/ or resources/: use shared/ only.' },
    { regex: String.raw`^(?!electron$|\.)`, text: 'the sandboxed preload may import only electron and shared/: no Node built-ins, no other package.' },
  ]),
)
