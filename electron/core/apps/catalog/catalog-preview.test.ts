import { describe, expect, it } from 'vitest'
import { bundledCatalogDir, Catalogs } from './catalogs.js'

describe('what a catalog app will use of the server', () => {
  const catalogs = new Catalogs(bundledCatalogDir())
  const app = async (id: string) => (await catalogs.list()).apps.find((a) => a.id === id)

  it('lists the ports, folders and volumes an install with the defaults gets', async () => {
    const jellyfin = await app('jellyfin')
    expect(jellyfin?.uses).toEqual({
      ports: [{ service: 'jellyfin', hostIp: '127.0.0.1', published: 8096, target: 8096, protocol: 'tcp' }],
      folders: [
        { service: 'jellyfin', source: '~/.local/share/homeport/apps/jellyfin/config', target: '/config', readOnly: false },
        { service: 'jellyfin', source: '~/.local/share/homeport/apps/jellyfin/cache', target: '/cache', readOnly: false },
        { service: 'jellyfin', source: '~/media', target: '/media', readOnly: true },
      ],
      volumes: [],
    })
    expect(jellyfin?.hostAccess).toBeUndefined()
    // No version in the catalog entry: the tag of the image it will run says it.
    expect(jellyfin?.version).toBe('10.10.7')
    expect((await app('nextcloud'))?.uses?.volumes.map((v) => v.name)).toEqual(['nextcloud_db', 'nextcloud_html'])
  })

  it('names the host access that Portainer, Home Assistant and Pi-hole need, as the plan would', async () => {
    expect((await app('portainer'))?.hostAccess?.map((r) => [r.kind, r.detail])).toEqual([['docker-socket', '/var/run/docker.sock']])
    expect((await app('home-assistant'))?.hostAccess?.map((r) => r.kind)).toEqual(['privileged', 'host-network', 'host-path'])
    expect((await app('pihole'))?.hostAccess?.map((r) => r.detail)).toEqual(['NET_ADMIN'])
  })
})
