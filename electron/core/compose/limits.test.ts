// Compose files that would cost too much to read: too large, nested too deeply, or long lists and mappings
// that used to take quadratic time (duplicate-key and unique-entry checks, port clashes).

import { describe, expect, it } from 'vitest'
import { envFile, portsFile } from './long-files.fixture.js'
import { loadCompose, MAX_COMPOSE_BYTES } from './load.js'
import { MAX_NESTING } from './parse.js'

const load = (yamlText: string, envFileText?: string) => loadCompose({ yamlText, envFileText, projectName: 'big', projectDir: '/srv/big' })


describe('compose files that cost too much to read', () => {
  it(`refuses a file over ${MAX_COMPOSE_BYTES / 1024 / 1024} MiB before reading it, and a .env as large`, () => {
    const big = `services:\n  a:\n    image: busybox:1\nx-pad: "${'x'.repeat(MAX_COMPOSE_BYTES)}"\n`
    expect(() => load(big)).toThrow(/^the compose file is 1\.0 MiB; Homeport reads files of up to 1 MiB/)
    expect(() => load('services:\n  a:\n    image: busybox:1\n', `X=${'x'.repeat(MAX_COMPOSE_BYTES)}`)).toThrow(/the \.env file is 1\.0 MiB/)
  })

  it(`names the place where mappings and lists nest deeper than ${MAX_NESTING} levels, instead of overflowing the stack`, () => {
    const flow = `services:\n  a:\n    image: busybox:1\n    labels: ${'['.repeat(5000)}${']'.repeat(5000)}\n`
    expect(() => load(flow)).toThrow(/^line 4, column \d+: mappings and lists are nested more than 64 levels deep/)
    const block = `services:\n  a:\n    image: busybox:1\nx-deep:\n${Array.from({ length: 200 }, (_, i) => `${' '.repeat(i + 1)}k:`).join('\n')} 1\n`
    expect(() => load(block)).toThrow(/mappings and lists are nested more than 64 levels deep/)
  })

  it('still reports a key written twice, with its line', () => {
    expect(() => load('services:\n  a:\n    image: x\n    image: y\n')).toThrow('line 4, column 5: YAML syntax error: the key "image" appears twice in this mapping')
  })

  it('still reports a list entry written twice', () => {
    expect(() => load('services:\n  a:\n    image: x\n    cap_add: [NET_ADMIN, SYS_TIME, NET_ADMIN]\n')).toThrow('services.a.cap_add: lists the same entry twice (items 0 and 2)')
  })

  it('reads 16,000 ports and 16,000 variables (their growth with length is measured by `npm run bench:compose`)', () => {
    expect(load(portsFile(16000)).project.services.a.ports).toHaveLength(16000)
    expect(Object.keys(load(envFile(16000)).project.services.a.environment ?? {})).toHaveLength(16000)
  }, 120_000)
})
