// Proves that the layer rules in eslint.config.js bite: probe files that break each rule, written into a
// temporary tree laid out like the repository, must be reported by exactly that rule, and the allowed
// imports beside them must not be. Every layer message the config declares must be produced by a probe,
// so a rule added without a probe fails here too.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { ESLint, type Linter } from 'eslint'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const configFile = fileURLToPath(new URL('../../eslint.config.js', import.meta.url))
const layerRuleIds = new Set(['no-restricted-imports', 'no-restricted-syntax'])

/** An import written as `spec` from a file at `from`, and the rule (block name + message words) it breaks. */
interface Probe { from: string; spec: string; rule?: string; says?: string }

const breaks = (rule: string, says: string, from: string, specs: string[]): Probe[] =>
  specs.map((spec) => ({ from, spec, rule, says }))
const allows = (from: string, specs: string[]): Probe[] => specs.map((spec) => ({ from, spec }))

const renderer = 'renderer → shared'
const shared = 'shared → nothing of ours'
const core = 'core → core + shared'
const preload = 'preload → shared'

function frontEndProbes(folder: 'main' | 'cli' | 'web'): Probe[] {
  const rule = `${folder} → core/runtime + shared`
  const others = ['main', 'cli', 'web', 'preload'].filter((other) => other !== folder)
  const top = `electron/${folder}/entry.ts`
  const nested = `electron/${folder}/commands/entry.ts`
  const onlyRuntimeIndex = `${folder} may import the core only through electron/core/runtime/index.ts`
  return [
    ...breaks(rule, onlyRuntimeIndex, top, [
      '../core/compose/dotenv.js', '../core/store/data-dir.js', '../core/runtime/dispatch.js',
      '../core/runtime/index-extra.js', '../core/index.js', '../core', './../core/jobs/job-runner.js',
    ]),
    ...breaks(rule, onlyRuntimeIndex, nested, ['../../core/runtime/types.js', '../../../electron/core/runtime/create-core.js']),
    ...breaks(rule, 'never imports another front end', top, others.map((other) => `../${other}/entry.js`)),
    ...breaks(rule, 'never imports another front end', nested, [`../../../electron/${others[0]}/entry.js`]),
    ...breaks(rule, 'never imports renderer/', nested, ['../../../renderer/src/main.js', '../../../test/homeserver/paths.js', '../../../resources/catalog/x.js']),
    ...breaks(rule, 'never uses ssh2, dockerode', top, ['ssh2', 'dockerode', 'better-sqlite3', 'keytar']),
    ...(folder === 'main' ? [] : breaks(rule, 'runs in plain Node, without Electron', top, ['electron'])),
    ...allows(top, ['../core/runtime/index.js', '../core/runtime', '../../shared/errors.js', './entry-helper.js', 'node:fs', 'commander']),
    ...allows(nested, ['../../core/runtime/index.js', '../../../shared/contract/index.js', '../entry.js']),
    ...(folder === 'main' ? allows(top, ['electron']) : []),
  ]
}

const probes: Probe[] = [
  ...breaks(renderer, 'never imports electron/', 'renderer/src/features/apps/store.ts', ['../../../../electron/core/runtime/index.js']),
  ...breaks(renderer, 'never imports electron/', 'renderer/src/App.vue', ['../../electron/main/ipc.js']),
  ...breaks(renderer, 'never imports test/', 'renderer/src/api/client.ts', ['../../../test/homeserver/paths.js', '../../../resources/catalog/x.js']),
  ...breaks(renderer, 'Node built-ins do not exist', 'renderer/src/api/client.ts', ['node:fs', 'path', 'fs/promises', 'child_process']),
  ...breaks(renderer, 'Node built-ins do not exist', 'renderer/src/features/servers/pages/ServerPage.vue', ['crypto']),
  ...breaks(renderer, 'run only in Node, in the core', 'renderer/src/features/apps/store.ts', ['electron', 'ssh2', 'dockerode', 'better-sqlite3', 'keytar']),
  ...allows('renderer/src/features/apps/store.ts', ['../../../../shared/contract/index.js', '../../ui/use-async.js', './components/open-url.js', 'vue', 'pinia', 'naive-ui']),
  ...allows('renderer/src/App.vue', ['../../shared/errors.js', './router.js']),

  ...breaks(shared, 'imports nothing of ours', 'shared/contract/apps.ts', ['../../electron/core/runtime/index.js', '../../renderer/src/api/client.js', '../../test/unit/x.js']),
  ...breaks(shared, 'imports nothing of ours', 'shared/errors.ts', ['../electron/main/ipc.js']),
  ...breaks(shared, 'may import only zod and itself', 'shared/bridge.ts', ['node:events', 'events', 'electron', 'ssh2', 'dockerode', 'vue', 'pinia']),
  ...allows('shared/contract/apps.ts', ['zod', './define.js', '../errors.js']),
  ...allows('shared/errors.ts', ['./contract/index.js']),

  ...breaks(core, 'never import electron', 'electron/core/runtime/create-core.ts', ['electron']),
  ...breaks(core, 'never imports main, cli, web or preload', 'electron/core/entry.ts', ['../main/ipc.js']),
  ...breaks(core, 'never imports main, cli, web or preload', 'electron/core/apps/handlers.ts', ['../../cli/output.js', '../../preload/preload.js']),
  ...breaks(core, 'never imports main, cli, web or preload', 'electron/core/compose/engine/apply.ts', ['../../../web/web-host.js']),
  ...breaks(core, 'never imports main, cli, web or preload', 'electron/core/apps/catalog/load.ts', ['../../../../electron/main/ipc.js']),
  ...breaks(core, 'never imports renderer/', 'electron/core/apps/handlers.ts', ['../../../renderer/src/api/client.js', '../../../test/homeserver/paths.js']),
  ...allows('electron/core/apps/handlers.ts', ['../../../shared/errors.js', '../jobs/job-runner.js', '../compose/index.js', './app-paths.js', 'ssh2', 'dockerode', 'node:fs']),
  ...allows('electron/core/compose/engine/apply.ts', ['../../../../shared/contract/index.js', '../../docker/docker-service.js']),

  ...frontEndProbes('main'),
  ...frontEndProbes('cli'),
  ...frontEndProbes('web'),

  ...breaks(preload, 'never imports core, main, cli or web', 'electron/preload/preload.ts', ['../core/runtime/index.js', '../main/ipc.js', '../../electron/cli/main.js']),
  ...breaks(preload, 'never imports renderer/', 'electron/preload/preload.ts', ['../../renderer/src/api/client.js']),
  ...breaks(preload, 'may import only electron and shared/', 'electron/preload/preload.ts', ['node:fs', 'fs', 'zod', 'ssh2']),
  ...allows('electron/preload/preload.ts', ['../../shared/bridge.js', 'electron', './bridge-helper.js']),
]

// Each probe is written three ways: a static import, an import() call and an import('…') type; the last
// two are caught by no-restricted-syntax, which the config feeds from the same patterns.
type Form = 'static' | 'call' | 'type'
interface ProbeFile { probe: Probe; form: Form; path: string }

function source(spec: string, form: Form, vue: boolean): string {
  const code = { static: `import '${spec}'`, call: `void import('${spec}')`, type: `export type Probe = typeof import('${spec}')` }[form]
  return vue ? `<script setup lang="ts">\n${code}\n</script>\n\n<template><div /></template>\n` : `${code}\n`
}

function probeFiles(): ProbeFile[] {
  return probes.flatMap((probe, index) => {
    const vue = probe.from.endsWith('.vue')
    const forms: Form[] = vue ? ['static', 'call'] : ['static', 'call', 'type']
    return forms.map((form) => ({ probe, form, path: probe.from.replace(/(\.\w+)$/, `-${index}-${form}$1`) }))
  })
}

const files = probeFiles()
let tree = ''
const layerMessages = new Map<string, Linter.LintMessage[]>()
const fatalMessages = new Map<string, Linter.LintMessage[]>()

beforeAll(async () => {
  tree = mkdtempSync(join(tmpdir(), 'homeport-layers-'))
  for (const file of files) {
    mkdirSync(dirname(join(tree, file.path)), { recursive: true })
    writeFileSync(join(tree, file.path), source(file.probe.spec, file.form, file.path.endsWith('.vue')))
  }
  const eslint = new ESLint({ cwd: tree, overrideConfigFile: configFile })
  for (const result of await eslint.lintFiles(files.map((file) => file.path))) {
    const path = result.filePath.slice(tree.length + 1)
    layerMessages.set(path, result.messages.filter((message) => layerRuleIds.has(message.ruleId ?? '')))
    fatalMessages.set(path, result.messages.filter((message) => message.fatal))
  }
  // Loading ESLint and the Vue and TypeScript parsers takes seconds on a machine busy with the other suites.
}, 120_000)

afterAll(() => {
  if (tree) rmSync(tree, { recursive: true, force: true })
})

describe('layer rules', () => {
  it('lints every probe file without a parse error', () => {
    expect(layerMessages.size).toBe(files.length)
    expect(files.filter((file) => fatalMessages.get(file.path)?.length)).toEqual([])
  })

  const broken = files.filter((file) => file.probe.rule)
  it.each(broken.map((file) => [file.probe.from, file.form, file.probe.spec, file] as const))(
    '%s: %s import of %s is reported',
    (_from, form, _spec, file) => {
      const reported = (layerMessages.get(file.path) ?? []).map(({ ruleId, message }) => ({ ruleId, message }))
      expect(reported).toEqual([{
        ruleId: form === 'static' ? 'no-restricted-imports' : 'no-restricted-syntax',
        message: expect.stringMatching(new RegExp(`Layer rule "${escape(file.probe.rule ?? '')}": .*${escape(file.probe.says ?? '')}`)),
      }])
    },
  )

  const allowed = files.filter((file) => !file.probe.rule)
  it.each(allowed.map((file) => [file.probe.from, file.form, file.probe.spec, file] as const))(
    '%s: %s import of %s is allowed',
    (_from, _form, _spec, file) => {
      expect(layerMessages.get(file.path)).toEqual([])
    },
  )

  it('has a probe for every layer message the config declares', async () => {
    const { default: config } = (await import(pathToFileURL(configFile).href)) as { default: Linter.Config[] }
    const declared = config
      .filter((block) => block.name?.startsWith('layers/'))
      .flatMap((block) => {
        const imports = block.rules?.['no-restricted-imports'] as [string, { patterns: { message: string }[] }]
        const [, ...selectors] = block.rules?.['no-restricted-syntax'] as [string, ...{ message: string }[]]
        return [
          ...imports[1].patterns.map(({ message }) => `no-restricted-imports ${message}`),
          ...selectors.map(({ message }) => `no-restricted-syntax ${message}`),
        ]
      })
    // no-restricted-imports puts its own sentence before the configured message.
    const produced = new Set([...layerMessages.values()].flat()
      .map(({ ruleId, message }) => `${ruleId} ${message.slice(message.indexOf('Layer rule "'))}`))
    expect(declared.length).toBeGreaterThan(0)
    expect(declared.filter((entry) => !produced.has(entry))).toEqual([])
  })
})

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
