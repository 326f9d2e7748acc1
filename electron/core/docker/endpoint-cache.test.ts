import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { fileEndpointCache } from './endpoint-cache.js'

describe('the remembered Docker endpoints', () => {
  it('keeps entries in a file only the user may read, ignores a damaged file, and forgets on request', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homeport-endpoints-'))
    try {
      const cache = fileEndpointCache(dir)
      expect(cache.get('k')).toBeUndefined()
      await cache.set('k', { socket: '/run/docker.sock', user: 'me', canDialStdio: true })
      expect(cache.get('k')).toEqual({ socket: '/run/docker.sock', user: 'me', canDialStdio: true })
      expect(fs.statSync(path.join(dir, 'docker-endpoints.json')).mode & 0o777).toBe(0o600)
      await cache.forget('k')
      expect(cache.get('k')).toBeUndefined()
      fs.writeFileSync(path.join(dir, 'docker-endpoints.json'), '{"k": {"socket": 3}, "j": ')
      expect(cache.get('k')).toBeUndefined()
      await cache.set('j', { socket: '/s', user: 'u', canDialStdio: false })
      expect(cache.get('j')?.socket).toBe('/s')
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
