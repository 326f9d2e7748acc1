import { describe, expect, it } from 'vitest'
import { locale } from './locale.js'

function texts(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (value && typeof value === 'object') return Object.values(value).flatMap(texts)
  return []
}

describe('the window’s locale', () => {
  it('has no "Please Input" or "Please Select" placeholder anywhere', () => {
    const placeholders = texts(locale).filter((t) => /^Please (Input|Select)$/.test(t))
    expect(placeholders).toEqual([])
    expect(locale.Input.placeholder).toBe('')
  })
})
