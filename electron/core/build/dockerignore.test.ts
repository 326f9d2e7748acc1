import { describe, expect, it } from 'vitest'
import { DockerignoreMatcher, parseDockerignore } from './dockerignore.js'

const matcher = (text: string) => DockerignoreMatcher.fromText(text)

describe('.dockerignore', () => {
  it('reads lines as the docker CLI does: comments, blanks, BOM, CRLF, leading slash, cleaned paths', () => {
    expect(parseDockerignore('\uFEFF# a comment\r\n\r\n  /build/  \r\n!./dist/../dist/keep\n ! spaced \n./a//b\n')).toEqual([
      'build',
      '!dist/keep',
      '!spaced',
      'a/b',
    ])
  })

  it('matches a folder and everything under it', () => {
    const m = matcher('node_modules\n')
    expect(m.ignores('node_modules')).toBe(true)
    expect(m.ignores('node_modules/pkg/index.js')).toBe(true)
    expect(m.ignores('src/node_modules')).toBe(false)
    expect(m.ignores('node_modules2')).toBe(false)
  })

  it('`*` and `?` stay within one folder; `**` spans any number, none included', () => {
    const m = matcher('*.log\ndocs/?.md\n**/tmp\nbuild/**/*.o\n')
    expect(m.ignores('a.log')).toBe(true)
    expect(m.ignores('sub/a.log')).toBe(false)
    expect(m.ignores('docs/a.md')).toBe(true)
    expect(m.ignores('docs/ab.md')).toBe(false)
    expect(m.ignores('tmp')).toBe(true)
    expect(m.ignores('a/b/tmp/x')).toBe(true)
    expect(m.ignores('build/x.o')).toBe(true)
    expect(m.ignores('build/a/b/x.o')).toBe(true)
    expect(m.ignores('build/a/b/x.c')).toBe(false)
    expect(matcher('**\n!keep\n').ignores('any/thing')).toBe(true)
    expect(matcher('**/*.log\n').ignores('deep/down/x.log')).toBe(true)
    expect(matcher('**/*.log\n').ignores('x.log')).toBe(true)
  })

  it('`!` re-includes, and the last matching pattern wins', () => {
    const m = matcher('docs\n!docs/keep.md\n*.md\n!README.md\n')
    expect(m.hasExclusions).toBe(true)
    expect(m.ignores('docs/drop.txt')).toBe(true)
    expect(m.ignores('docs/keep.md')).toBe(false)
    expect(m.ignores('notes.md')).toBe(true)
    expect(m.ignores('README.md')).toBe(false)
    // An exception before the pattern that ignores again loses.
    expect(matcher('!a.txt\n*.txt\n').ignores('a.txt')).toBe(true)
  })

  it('takes dots literally, character classes and escapes as Docker does', () => {
    expect(matcher('a.b\n').ignores('axb')).toBe(false)
    expect(matcher('file[0-9].txt\n').ignores('file7.txt')).toBe(true)
    expect(matcher('file[0-9].txt\n').ignores('filex.txt')).toBe(false)
    expect(matcher('star\\*\n').ignores('star*')).toBe(true)
    expect(matcher('star\\*\n').ignores('starx')).toBe(false)
    expect(matcher('(x)+$\n').ignores('(x)+$')).toBe(true)
  })

  it('ignores nothing without patterns', () => {
    expect(matcher('').ignores('anything')).toBe(false)
    expect(matcher('# only a comment\n').hasExclusions).toBe(false)
  })
})
