import { describe, expect, it } from 'vitest'
import { chainIds } from './image-layers.js'
import { checkPlatform, platformOf, usesContainerdStore } from './local-build.js'

describe('chain IDs', () => {
  it('are the diff ID for the first layer, then sha256 of "<parent chain> <diff ID>", as the engine names them', () => {
    // Read from a real engine: an image FROM the test httpd image plus one COPY layer, and the directory
    // names under its image/overlay2/layerdb/sha256/.
    const diffIds = ['sha256:c6db29327798a98223f610f372b4877f4432e8dc66c0e2041846054192f92359', 'sha256:83c2e59fa1337821ff344ce08743ffa0b843eae615a529e36fa8794625a7a9c4']
    expect(chainIds(diffIds)).toEqual([diffIds[0], 'sha256:547ce94439bf7935350da797da14ed4554c59fce62d108c4d62ebfa5febdb7a8'])
    expect(chainIds([])).toEqual([])
  })
})

describe('the platform check of an image built on this computer', () => {
  it('passes an image for the server’s OS and architecture, whatever the spelling of the architecture', () => {
    expect(platformOf('linux', 'aarch64')).toBe('linux/arm64')
    expect(() => checkPlatform({ Os: 'linux', Architecture: 'arm64' }, 'linux/arm64', 'pi', 'app:1')).not.toThrow()
  })

  it('refuses an image for another architecture, naming both and the fix', () => {
    let error: unknown
    try {
      checkPlatform({ Os: 'linux', Architecture: 'amd64' }, 'linux/arm64', 'pi', 'homeport-deploy/app:1')
    } catch (err) {
      error = err
    }
    expect(error).toMatchObject({ code: 'PLATFORM_MISMATCH', message: 'homeport-deploy/app:1 was built on this computer for linux/amd64, but pi runs linux/arm64.' })
    expect((error as { details: string }).details).toContain('emulation')
  })
})

describe('the image store of the server', () => {
  it('is containerd’s when /info names the snapshotter (every layer is then sent), else the classic one', () => {
    expect(usesContainerdStore({ DriverStatus: [['driver-type', 'io.containerd.snapshotter.v1']] })).toBe(true)
    expect(usesContainerdStore({ DriverStatus: [['Backing Filesystem', 'extfs'], ['Supports d_type', 'true']] })).toBe(false)
    expect(usesContainerdStore({ DriverStatus: null })).toBe(false)
  })
})
