import { describe, expect, it } from 'vitest'
import { appNameError, buildDirError, composeBuilds, composeNeedsFolder, defaultAppName, parseEnvLines } from './install-form.js'

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

  it('asks for a build folder only when a service builds, and wants a full path', () => {
    expect(composeBuilds('services:\n  web:\n    build: ./web\n')).toBe(true)
    expect(composeBuilds('services:\n  web:\n    image: nginx # build: later\n')).toBe(false)
    expect(composeNeedsFolder('services:\n  db:\n    image: mariadb\n    secrets: [pw]\nsecrets:\n  pw:\n    file: ./pw.txt\n')).toBe(true)
    expect(composeNeedsFolder('services:\n  db:\n    image: mariadb\n    secrets: [pw]\nsecrets:\n  pw:\n    environment: PW\n')).toBe(false)
    expect(composeNeedsFolder('services:\n  db:\n    image: mariadb\n    volumes:\n      - type: bind\n        source: ./x\n')).toBe(false)
    expect(buildDirError('')).toMatch(/folder of the compose file/)
    expect(buildDirError('projects/app')).toMatch(/full path/)
    expect(buildDirError('/home/me/app')).toBeUndefined()
    expect(buildDirError('C:\\Users\\me\\app')).toBeUndefined()
  })
})
