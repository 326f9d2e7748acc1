import { describe, expect, it } from 'vitest'
import { closestName, composeFileName, folderAppName } from '../../shared/names.js'

describe('names', () => {
  it('reads a compose file\'s top-level name, not a service\'s', () => {
    expect(composeFileName('name: "blog"\nservices:\n  web:\n    image: x\n')).toBe('blog')
    expect(composeFileName('services:\n  web:\n    name: inner\n')).toBeUndefined()
  })

  it('turns a folder into a project name the way Compose does', () => {
    expect(folderAppName('My Blog.v2')).toBe('myblogv2')
    expect(folderAppName('_data')).toBe('data')
    expect(folderAppName('...')).toBeUndefined()
  })

  it('suggests the closest name for a typo, and nothing for an unrelated word', () => {
    const ids = ['jellyfin', 'gitea', 'uptime-kuma', 'vaultwarden']
    expect(closestName('jelyfin', ids)).toBe('jellyfin')
    expect(closestName('Gitae', ids)).toBe('gitea')
    expect(closestName('uptime', ids)).toBe('uptime-kuma')
    expect(closestName('db', ids)).toBeUndefined()
    expect(closestName('WEBPORT', ['WEB_PORT', 'BIND_ADDRESS'])).toBe('WEB_PORT')
  })
})
