import { describe, expect, it } from 'vitest'
import type { Docker } from '../docker/docker-access.js'
import { imagesOf, networksOf, usageOf, volumesOf, type EngineSnapshot } from './engine-objects.js'

const container = (name: string, over: Partial<Docker.ContainerInfo>) => ({ Id: `id-${name}`, Names: [`/${name}`], State: 'running', ImageID: '', Mounts: [], NetworkSettings: { Networks: {} }, ...over }) as unknown as Docker.ContainerInfo

const snapshot: EngineSnapshot = {
  df: {
    LayersSize: 1000,
    Images: [
      { Id: 'sha256:used', RepoTags: ['web:1'], Size: 600, SharedSize: 100, Created: 1, Containers: 1 },
      { Id: 'sha256:idle', RepoTags: ['<none>:<none>'], Size: 500, SharedSize: 100, Created: 2, Containers: 0 },
    ],
    Containers: [
      { Id: 'id-web', State: 'running', SizeRw: 10 },
      { Id: 'id-old', State: 'exited', SizeRw: 5 },
    ],
    Volumes: [
      { Name: 'data', Driver: 'local', Labels: { 'com.docker.compose.project': 'blog' }, UsageData: { Size: 300, RefCount: 1 } },
      { Name: 'left', Driver: 'local', UsageData: { Size: 200, RefCount: 0 } },
      { Name: 'remote', Driver: 'nfs', UsageData: { Size: -1, RefCount: 0 } },
    ],
    BuildCache: [{ Size: 50, InUse: false, Shared: false }],
  },
  containers: [
    container('web', { ImageID: 'sha256:used', Mounts: [{ Type: 'volume', Name: 'data' }] as Docker.ContainerInfo['Mounts'], NetworkSettings: { Networks: { blog_default: { NetworkID: 'net1' } } } as unknown as Docker.ContainerInfo['NetworkSettings'] }),
    container('old', { State: 'exited', ImageID: 'sha256:used', NetworkSettings: { Networks: { never: { NetworkID: '' } } } as unknown as Docker.ContainerInfo['NetworkSettings'] }),
  ],
  networks: [
    { Id: 'net1', Name: 'blog_default', Driver: 'bridge', Scope: 'local', Labels: { 'com.docker.compose.project': 'blog' } },
    { Id: 'net2', Name: 'never', Driver: 'bridge', Scope: 'local', Labels: {} },
    { Id: 'net3', Name: 'bridge', Driver: 'bridge', Scope: 'local', Labels: {} },
  ] as unknown as Docker.NetworkInspectInfo[],
}

describe('engine objects', () => {
  it('names the containers using each image, volume and network, stopped ones and unstarted attachments too', () => {
    expect(imagesOf(snapshot).map((i) => [i.tags, i.users.map((u) => u.name)])).toEqual([
      [['web:1'], ['web', 'old']],
      [[], []],
    ])
    expect(volumesOf(snapshot)).toEqual([
      { name: 'data', driver: 'local', size: 300, project: 'blog', users: [{ id: 'id-web', name: 'web', state: 'running' }] },
      { name: 'left', driver: 'local', size: 200, users: [] },
      { name: 'remote', driver: 'nfs', users: [] },
    ])
    expect(networksOf(snapshot).map((n) => [n.name, n.builtIn, n.users.map((u) => u.name)])).toEqual([
      ['blog_default', false, ['web']],
      ['never', false, ['old']],
      ['bridge', true, []],
    ])
  })

  it('adds up disk usage as `docker system df` does', () => {
    expect(usageOf(snapshot)).toEqual({
      images: { count: 2, active: 1, size: 1000, reclaimable: 500 },
      containers: { count: 2, active: 1, size: 15, reclaimable: 5 },
      volumes: { count: 3, active: 1, size: 500, reclaimable: 200 },
      buildCache: { count: 1, active: 0, size: 50, reclaimable: 50 },
    })
  })
})
