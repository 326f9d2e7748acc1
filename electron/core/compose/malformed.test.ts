import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadCompose } from './index.js'
import { ComposeError } from './problems.js'

// Each file's first line says what it must produce: `# expect: CODE [PATH]`.
const dir = resolve(import.meta.dirname, '../../../test/fixtures/compose-malformed')
const files = readdirSync(dir).filter((f) => f.endsWith('.yml')).sort()

function expectation(text: string): { code: string; path: string } {
  const m = /^# expect: (\S+)(?: (.+))?$/m.exec(text.split('\n')[0])
  if (!m) throw new Error('fixture lacks its "# expect:" line')
  return { code: m[1], path: m[2] ?? '' }
}

describe('malformed compose files', () => {
  it('has at least 30 fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(30)
  })

  it.each(files)('%s gives its specific error naming the path', (file) => {
    const text = readFileSync(join(dir, file), 'utf8')
    const { code, path } = expectation(text)
    let caught: unknown
    try {
      loadCompose({ yamlText: text, projectName: 'broken', projectDir: '/srv/broken' })
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(ComposeError)
    const err = caught as ComposeError
    expect(err.code).toBe(code)
    expect(err.hint.length).toBeGreaterThan(10)
    if (path !== '') {
      expect(err.message.startsWith(`${path}`)).toBe(true)
      expect(err.problems[0]).toMatchObject({ code, path: expect.stringContaining(path) })
    }
    expect(err.details).toContain(err.problems[0].message)
  })
})
