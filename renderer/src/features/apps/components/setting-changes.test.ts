import { describe, expect, it } from 'vitest'
import { settingChanges } from './setting-changes.js'
import { buildFields } from './variable-fields.js'

describe('setting changes', () => {
  const fields = buildFields(
    [
      { name: 'WEB_PORT', label: 'Web port', type: 'port', secret: false },
      { name: 'GREETING', label: 'Greeting', type: 'string', secret: false },
      { name: 'DB_PASSWORD', label: 'DB password', type: 'string', secret: true },
    ],
    { WEB_PORT: '18282', GREETING: 'hi', DB_PASSWORD: '' },
  )

  it('lists each changed value with its label, old → new', () => {
    expect(settingChanges(fields, { WEB_PORT: '18283', GREETING: 'hi', DB_PASSWORD: '' })).toEqual([{ name: 'WEB_PORT', label: 'Web port', change: '18282 → 18283' }])
    expect(settingChanges(fields, { WEB_PORT: '18282', GREETING: '', DB_PASSWORD: '' })).toEqual([{ name: 'GREETING', label: 'Greeting', change: 'hi → (empty)' }])
  })

  it('never shows a secret, only that it changes; nothing when nothing changed', () => {
    expect(settingChanges(fields, { WEB_PORT: '18282', GREETING: 'hi', DB_PASSWORD: 's3cret' })).toEqual([{ name: 'DB_PASSWORD', label: 'DB password', change: 'set to a new value' }])
    expect(settingChanges(fields, { WEB_PORT: '18282', GREETING: 'hi', DB_PASSWORD: '' })).toEqual([])
  })
})
