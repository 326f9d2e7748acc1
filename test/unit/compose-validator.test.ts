// The ahead-of-time compiled validator is the schema as it is: regenerating it gives the committed file.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
// @ts-expect-error -- a plain .mjs build script without types
import { composeValidatorSource, GENERATED_PATH } from '../../scripts/compose-validator.mjs'
import validate from '../../electron/core/compose/compose-validator.generated.cjs'

describe('compose-validator.generated.cjs', () => {
  it('is what scripts/compose-validator.mjs generates from compose-spec.schema.json (run it after changing either)', () => {
    expect(readFileSync(GENERATED_PATH, 'utf8') === (composeValidatorSource() as string)).toBe(true)
  })

  it('finds a repeated list entry in one pass, keys in any order counting as the same entry', () => {
    const ports = Array.from({ length: 20_000 }, (_, i) => ({ target: i + 1, published: String(i + 1) }))
    ports.push({ published: '7', target: 7 })
    expect(validate({ services: { web: { image: 'x', ports } } })).toBe(false)
    expect(validate.errors).toEqual([expect.objectContaining({ keyword: 'uniqueEntries', instancePath: '/services/web/ports', params: { i: 20_000, j: 6 } })])
    expect(validate({ services: { web: { image: 'x', ports: ports.slice(0, -1) } } })).toBe(true)
  })
})
