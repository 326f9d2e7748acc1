import { describe, expect, it } from 'vitest'
import { HomeportError } from '../../../../shared/errors.js'
import { pullFailure } from './pull-errors.js'

// Docker's own texts, as the test engine (dockerd 20.10, distribution 2.8 registry) answered `POST /images/create`.
const ENGINE = {
  missing: 'manifest for 127.0.0.1:35591/homeport/nope:1 not found: manifest unknown: manifest unknown',
  refused: 'Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused',
  dns: 'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host',
  noCredentials: 'Head "http://127.0.0.1:38123/v2/foo/bar/manifests/1": no basic auth credentials',
  wrongCredentials: 'unauthorized: authentication required',
  rateLimited: 'toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit',
  hubDenied: "pull access denied for nosuch/image, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
}

/** What dockerode throws for an engine answer: the status, and the engine's JSON. */
function engineError(statusCode: number, message: string): Error {
  return Object.assign(new Error(`(HTTP code ${statusCode}) server error - ${message}`), { statusCode, json: { message } })
}

function mapped(err: unknown, image: string, requested?: string): HomeportError {
  const out = pullFailure(err, { image, requested })
  expect(out).toBeInstanceOf(HomeportError)
  return out as HomeportError
}

describe('pull failures', () => {
  it('names the unreachable registry and why, with the mirror as the way out', () => {
    const dns = mapped(engineError(500, ENGINE.dns), 'docker.io/jellyfin/jellyfin:10.10.7')
    expect(dns.code).toBe('REGISTRY_UNREACHABLE')
    expect(dns.message).toBe('Pulling docker.io/jellyfin/jellyfin:10.10.7 failed: the server could not reach the registry docker.io; its name does not resolve on the server (DNS).')
    expect(dns.hint).toMatch(/registry mirror on the server page/)
    expect(dns.cliHint).toMatch(/homeport apps mirror SERVER HOST/)
    expect(dns.details).toBe(ENGINE.dns)
    expect(mapped(engineError(500, ENGINE.refused), '127.0.0.1:1/homeport/x:1').message).toMatch(/could not reach the registry 127\.0\.0\.1:1; it refused the connection\.$/)
  })

  it('names the image and the registry it is missing from, also through a mirror', () => {
    const direct = mapped(engineError(404, ENGINE.missing), '127.0.0.1:35591/homeport/nope:1')
    expect(direct.code).toBe('IMAGE_NOT_FOUND')
    expect(direct.message).toBe('The image 127.0.0.1:35591/homeport/nope:1 was not found on the registry 127.0.0.1:35591.')
    const mirrored = mapped(engineError(404, ENGINE.missing), '127.0.0.1:35591/homeport/nope:1', 'docker.io/homeport/nope:1')
    expect(mirrored.message).toBe('The image 127.0.0.1:35591/homeport/nope:1 was not found on the registry mirror 127.0.0.1:35591 (for docker.io/homeport/nope:1).')
    const hub = mapped(new Error(ENGINE.hubDenied), 'docker.io/nosuch/image:1')
    expect([hub.code, hub.message]).toEqual(['IMAGE_NOT_FOUND', 'The image docker.io/nosuch/image:1 was not found on the registry docker.io, or it is private.'])
  })

  it('tells a registry that wants a login, with the commands for the server', () => {
    for (const text of [ENGINE.noCredentials, ENGINE.wrongCredentials]) {
      const auth = mapped(engineError(500, text), '127.0.0.1:38123/foo/bar:1')
      expect(auth.code).toBe('REGISTRY_AUTH')
      expect(auth.message).toBe('The registry 127.0.0.1:38123 wants a login to pull 127.0.0.1:38123/foo/bar:1.')
      expect(auth.hint).toContain('`docker login 127.0.0.1:38123` and `docker pull 127.0.0.1:38123/foo/bar:1`')
      expect(auth.cliHint).toBe(auth.hint)
    }
  })

  it('tells a rate limit, also when it arrives as an error line of the pull stream', () => {
    const limited = mapped(new Error(ENGINE.rateLimited), 'docker.io/library/nginx:1')
    expect(limited.code).toBe('RATE_LIMITED')
    expect(limited.message).toBe('The registry docker.io refused to pull docker.io/library/nginx:1 for now: too many pulls (rate limit).')
  })

  it('leaves a failure it does not know to the general Docker mapping', () => {
    const other = engineError(500, 'write /var/lib/docker/tmp/x: no space left on device')
    expect(pullFailure(other, { image: 'a/b:1' })).toBe(other)
  })
})
