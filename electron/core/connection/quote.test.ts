import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { commandLine } from './exec.js'
import { quoteArg, quoteArgv } from './quote.js'

const NASTY = [
  'plain',
  '',
  'with space',
  "it's",
  '"double"',
  'line\nbreak',
  'tab\there',
  '$(touch pwned)',
  '`touch pwned`',
  '; touch pwned',
  'a && touch pwned',
  '| touch pwned',
  '> pwned',
  '*',
  '?',
  '[a-z]*',
  '~',
  '~root',
  '-rf',
  '--',
  '-',
  'A=b',
  '$HOME',
  '${HOME}',
  '\\',
  "'",
  "''",
  "'\\''",
  '!',
  '#comment',
  '{a,b}',
  'üñïçødé ✓',
  '\r',
  ' leading and trailing ',
]

const scratch = mkdtempSync(join(tmpdir(), 'homeport-quote-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** Runs the quoted line in a real shell and returns the argv the program actually received. */
function roundTrip(shell: string, args: string[], loginShell = false): string[] {
  const line = commandLine(['printf', '%s\\0', ...args], loginShell)
  const out = execFileSync(shell, ['-c', line], { cwd: scratch, env: { PATH: process.env.PATH, HOME: scratch } })
  const parts = out.toString('utf8').split('\0')
  parts.pop()
  return parts
}

describe('quoteArgv', () => {
  it('leaves plainly safe words alone and quotes everything else', () => {
    expect(quoteArgv(['docker', 'ps', '--format', '{{json .}}'])).toBe("docker ps --format '{{json .}}'")
    expect(quoteArg('/var/run/docker.sock')).toBe('/var/run/docker.sock')
    expect(quoteArg('')).toBe("''")
    expect(quoteArg("it's")).toBe(`'it'\\''s'`)
    expect(quoteArg('-rf')).toBe('-rf')
    expect(quoteArg('A=b')).toBe("'A=b'")
    expect(quoteArg('~')).toBe("'~'")
  })

  it('refuses an empty argv and NUL characters', () => {
    expect(() => quoteArgv([])).toThrow(TypeError)
    expect(() => quoteArgv(['echo', 'a\0b'])).toThrow(/NUL/)
  })

  for (const shell of ['sh', 'bash']) {
    it(`round-trips every nasty argument through a real ${shell} -c`, () => {
      expect(roundTrip(shell, NASTY)).toEqual(NASTY)
      for (const arg of NASTY) expect(roundTrip(shell, [arg])).toEqual([arg])
    })

    it(`round-trips through the sh -lc wrapper under ${shell}`, () => {
      expect(roundTrip(shell, NASTY, true)).toEqual(NASTY)
    })
  }

  it('round-trips random strings made of shell metacharacters', () => {
    const alphabet = [..."abc -'\"\\$`;|&<>(){}[]*?~!#=\n\t%^,.:/@+"]
    let seed = 12345
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed / 2 ** 31
    }
    const args = Array.from({ length: 200 }, () =>
      Array.from({ length: Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''),
    )
    expect(roundTrip('sh', args)).toEqual(args)
  })

  it('executes nothing that hides in an argument', () => {
    roundTrip('sh', NASTY)
    roundTrip('bash', NASTY, true)
    expect(existsSync(join(scratch, 'pwned'))).toBe(false)
    expect(readdirSync(scratch)).toEqual([])
  })

  it('keeps a leading dash an argument the program sees verbatim', () => {
    const line = quoteArgv(['ls', '-d', '--', '-rf'])
    expect(execFileSync('sh', ['-c', `set -- ${line.slice(3)}; printf '%s|' "$@"`]).toString()).toBe('-d|--|-rf|')
  })
})
