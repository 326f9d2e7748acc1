import { describe, expect, it } from 'vitest'
import { composeProblems, envProblems } from './compose-checks.js'

describe('compose editor checks', () => {
  it('accepts a compose file with services', () => {
    expect(composeProblems('services:\n  web:\n    image: nginx\n')).toEqual([])
  })

  it('names the line of a YAML error, an empty file and a file without services', () => {
    expect(composeProblems('services:\n  web:\n    ports: "unclosed\n')[0].line).toBeGreaterThanOrEqual(3)
    expect(composeProblems('  ')).toEqual([{ line: 1, message: 'The compose file is empty.' }])
    expect(composeProblems('- a\n- b\n')[0].message).toMatch(/mapping/)
    expect(composeProblems('volumes:\n  data:\n')[0].message).toMatch(/services:/)
  })

  it('checks .env lines, comments and blank lines allowed', () => {
    expect(envProblems('# comment\n\nA=1\nexport B_2 = two\nSECRET=\n')).toEqual([])
    expect(envProblems('A=1\nnot a line\n2X=3\n').map((p) => p.line)).toEqual([2, 3])
  })
})
