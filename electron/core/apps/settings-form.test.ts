import { describe, expect, it } from 'vitest'
import { plainVariable } from './settings-form.js'

describe('the settings of an app without catalog metadata', () => {
  it('labels each .env value in words, not by its raw name', () => {
    expect(plainVariable('WEB_PORT', false)).toEqual({ name: 'WEB_PORT', label: 'Web port', secret: false, type: 'port', description: "WEB_PORT in the app's .env file" })
    expect(plainVariable('DB_PASSWORD', true)).toMatchObject({ label: 'DB password', secret: true, type: 'string' })
    expect(plainVariable('BASE_URL', false).label).toBe('Base URL')
    expect(plainVariable('greeting', false).label).toBe('Greeting')
  })
})
