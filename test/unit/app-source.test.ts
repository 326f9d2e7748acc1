import { describe, expect, it } from 'vitest'
import { AppSource } from '../../shared/contract/apps.js'

describe('AppSource', () => {
  it('keeps `installed` with an edited compose file: an edit of the installed app, not a new compose file', () => {
    const source = AppSource.parse({ installed: true, compose: 'services: {}', env: 'A=1' })
    expect(source).toEqual({ installed: true, compose: 'services: {}', env: 'A=1' })
    expect(source.installed).toBe(true)
  })

  it('reads the installed app alone, a compose file and a catalog entry as their own variants', () => {
    expect(AppSource.parse({ installed: true })).toEqual({ installed: true })
    expect(AppSource.parse({ compose: 'services: {}', buildDir: '/home/ann/site' })).toEqual({ compose: 'services: {}', buildDir: '/home/ann/site' })
    expect(AppSource.parse({ catalogId: 'nextcloud' })).toEqual({ catalogId: 'nextcloud' })
  })

  it('refuses `installed: false` rather than reading it as a new compose file', () => {
    expect(AppSource.safeParse({ installed: false, compose: 'services: {}' }).success).toBe(false)
  })

  it('refuses an empty edited compose file', () => {
    expect(AppSource.safeParse({ installed: true, compose: '' }).success).toBe(false)
  })
})
