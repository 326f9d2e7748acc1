import { describe, expect, it } from 'vitest'
import { appNameError, defaultAppName, parseEnvLines } from './install-form.js'

describe('install form', () => {
  it('validates the app name like the contract and derives a default from the catalog id', () => {
    expect(appNameError('my-app_1')).toBeUndefined()
    expect(appNameError('My App')).toMatch(/lower-case/)
    expect(appNameError('')).toBeDefined()
    expect(defaultAppName('Home.Assistant')).toBe('home-assistant')
    expect(appNameError(defaultAppName('__Weird ID__'))).toBeUndefined()
  })

  it('reads .env lines for a compose file', () => {
    expect(parseEnvLines('# comment\nWEB_PORT=8080\n\n  NAME = x=y \nbroken')).toEqual({ WEB_PORT: '8080', NAME: 'x=y' })
  })
})
