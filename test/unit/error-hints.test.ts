import { describe, expect, it } from 'vitest'
import { formatError, usageError } from '../../electron/cli/output.js'
import { ERROR_CODES, HomeportError, toErrorInfo, type ErrorCode } from '../../shared/errors.js'

// What only the CLI has (flags, commands) and what only the window has (pages, tabs, boxes to tick).
const CLI_WORDS = /(^|\s|\()--[a-z]|`homeport\b|\bthe CLI\b/
const WINDOW_WORDS = /\b(click|tick|check box|dialog|button|sidebar|tab|page|field)s?\b|app's settings/i

const codes = Object.keys(ERROR_CODES) as ErrorCode[]

describe('error hints', () => {
  it.each(codes)('%s has an action for the window and one for the CLI, each in its own words', (code) => {
    const { hint, cliHint } = ERROR_CODES[code]
    expect(hint.trim().length).toBeGreaterThan(10)
    expect(cliHint.trim().length).toBeGreaterThan(10)
    expect(hint).not.toMatch(CLI_WORDS)
    expect(cliHint).not.toMatch(WINDOW_WORDS)
  })

  it('gives the CLI its own wording of a code, and a thrower-specific hint to both places', () => {
    const byCode = new HomeportError('PORT_IN_USE').toJSON()
    expect(byCode.hint).toMatch(/app's settings/)
    expect(byCode.cliHint).toMatch(/--env/)
    expect(formatError(byCode)).toContain(`hint: ${ERROR_CODES.PORT_IN_USE.cliHint}`)

    const specific = new HomeportError('NOT_FOUND', 'No such thing.', { hint: 'Check the spelling.' }).toJSON()
    expect(specific).toEqual({ code: 'NOT_FOUND', message: 'No such thing.', hint: 'Check the spelling.' })
    expect(formatError(specific)).toContain('hint: Check the spelling.')

    const both = new HomeportError('NOT_FOUND', 'x', { hint: 'In the window.', cliHint: 'With --flag.' })
    expect(HomeportError.from(both.toJSON()).cliHint).toBe('With --flag.')
    expect(formatError(usageError('Bad flag.').toJSON())).toContain(`hint: ${ERROR_CODES.INVALID_INPUT.cliHint}`)
    expect(toErrorInfo(new Error('boom'))).toMatchObject({ code: 'INTERNAL', cliHint: ERROR_CODES.INTERNAL.cliHint, details: 'boom' })
  })
})
