import { describe, expect, it } from 'vitest'
import { awaitAnswer, countRoundTrips, handshakeStep, recordExec, recordRequest, recordRoundTrip } from './round-trips.js'

describe('round-trip tallies', () => {
  it('count what an action and everything it starts sends, into every tally around it', async () => {
    const outer = await countRoundTrips(async () => {
      recordRoundTrip('handshake', 'me@host:22 tcp connect')
      const inner = await countRoundTrips(async () => {
        await new Promise((resolve) => setTimeout(resolve, 1))
        recordRoundTrip('docker', 'GET /containers/0123456789abcdef0123/json')
        recordRoundTrip('docker', 'GET /containers/fedcba9876543210fedc/json')
        recordExec(['sh', '-c', 'for d in "$1"/*; do   echo "$d"; done', 'sh', '/srv'])
      })
      expect(inner.tally.summary()).toBe('4 (channel 1, exec 1, docker 2)')
      return inner
    })
    expect(outer.tally.summary()).toBe('5 (handshake 1, channel 1, exec 1, docker 2)')
    // Ids folded, so one kind of call is one line; a script named by its start.
    expect(outer.tally.where.get('docker GET /containers/:id/json')).toBe(2)
    expect(outer.tally.where.get('exec sh -c for d in "$1"/*; do echo "$d…')).toBe(1)
    expect(outer.tally.lines()[0]).toBe('   2  docker GET /containers/:id/json')
  })

  it('records nothing outside an action, and names a named script by its name', async () => {
    recordRoundTrip('exec', 'true')
    const { tally } = await countRoundTrips(async () => recordExec(['sh', '-c', 'echo', 'homeport-docker-discovery']))
    expect([...tally.where.keys()]).toEqual(['channel session for sh', 'exec homeport-docker-discovery'])
  })

  it('says which requests were awaiting their answers when another went out, an exec answered by its output included', async () => {
    const { tally } = await countRoundTrips(async () => {
      recordExec(['sh', '-c', 'script', 'homeport-app-lock'])
      const locked = awaitAnswer('exec', 'homeport-app-lock')
      recordRoundTrip('channel', 'stream-local /run/docker.sock')
      locked()
      const listed = recordRequest('docker', 'GET /containers/json')
      recordRoundTrip('channel', 'stream-local /run/docker.sock')
      listed()
      recordRoundTrip('docker', 'GET /networks')
    })
    // Counted once (by the exec), however long it was awaited.
    expect(tally.where.get('exec homeport-app-lock')).toBe(1)
    expect([...(tally.sentDuring.get('channel stream-local /run/docker.sock') ?? [])]).toEqual(['exec homeport-app-lock', 'docker GET /containers/json'])
    expect(tally.sentDuring.get('docker GET /networks')).toBeUndefined()
    expect(tally.sentDuring.get('docker GET /containers/json')).toBeUndefined()
  })

  it('reads the handshake steps that wait for the server from ssh2 debug lines', () => {
    expect(handshakeStep('Outbound: Sending KEXECDH_INIT')).toBe('KEXECDH_INIT')
    expect(handshakeStep('Outbound: Sending USERAUTH_REQUEST (publickey -- check)')).toBe('USERAUTH_REQUEST')
    expect(handshakeStep('Outbound: Sending NEWKEYS')).toBeUndefined()
    expect(handshakeStep('Inbound: Received SERVICE_ACCEPT (ssh-userauth)')).toBeUndefined()
  })
})
