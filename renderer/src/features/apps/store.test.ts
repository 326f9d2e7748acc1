import { describe, expect, it } from 'vitest'
import type { AppDto } from '../../../../shared/contract/index.js'
import { useFakeBridge } from '../../api/fake-bridge.test-support.js'
import { busyMessage } from '../../../../shared/action-words.js'
import { useAppsStore } from './store.js'

function app(name: string, state: AppDto['state']): AppDto {
  return { name, state, managed: true, services: [] }
}

const bridge = useFakeBridge()

describe('apps store', () => {
  it('lists a server’s apps, and keeps the last error up while a reload runs until one succeeds', async () => {
    const store = useAppsStore()
    bridge.fail('apps.list', { code: 'DOCKER_DOWN', message: 'Docker on nas does not answer.', hint: 'Start Docker on nas.' })
    await store.load('s1')
    expect(store.of('s1')).toMatchObject({ loading: false, loaded: false, apps: [] })
    expect(store.of('s1').error?.hint).toBe('Start Docker on nas.')

    let answer!: (apps: AppDto[]) => void
    bridge.answer('apps.list', () => new Promise<AppDto[]>((resolve) => (answer = resolve)))
    const reload = store.load('s1')
    expect(store.of('s1').loading).toBe(true)
    expect(store.of('s1').error?.code).toBe('DOCKER_DOWN')
    answer([app('blog', 'running')])
    await reload
    expect(store.of('s1')).toMatchObject({ loading: false, loaded: true, error: undefined })
    expect(store.of('s1').apps.map((a) => a.name)).toEqual(['blog'])
  })

  it('marks an app busy while an action runs and puts the answer in the list', async () => {
    const store = useAppsStore()
    bridge.answer('apps.list', [app('blog', 'stopped')])
    await store.load('s1')
    let answer!: (app: AppDto) => void
    bridge.answer('apps.start', () => new Promise<AppDto>((resolve) => (answer = resolve)))
    const starting = store.lifecycle('s1', 'blog', 'start')
    expect(store.of('s1').busy).toEqual({ blog: 'start' })
    answer(app('blog', 'running'))
    await starting
    expect(store.of('s1').busy).toEqual({})
    expect(store.find('s1', 'blog')?.state).toBe('running')
  })

  it('drops a removed app, asking for its data to go only with the typed confirmation', async () => {
    const store = useAppsStore()
    bridge.answer('apps.list', [app('blog', 'running'), app('wiki', 'running')])
    bridge.answer('apps.remove', undefined)
    await store.load('s1')
    await store.remove('s1', 'blog', true)
    await store.remove('s1', 'wiki', false)
    expect(store.of('s1').apps).toEqual([])
    expect(bridge.calls.filter((c) => c.method === 'apps.remove').map((c) => c.input)).toEqual([
      { serverId: 's1', app: 'blog', volumes: true, confirm: 'blog' },
      { serverId: 's1', app: 'wiki', volumes: false },
    ])
  })

  it('shows an opened page only while its forward is open, and keeps an update job until it is dismissed', async () => {
    const store = useAppsStore()
    bridge.answer('apps.open', { app: 'blog', url: 'http://127.0.0.1:40001/', localPort: 40001, remote: '127.0.0.1:8080' })
    await store.open('s1', 'blog')
    expect(store.forwardUrl('s1', 'blog')).toBe('http://127.0.0.1:40001/')
    bridge.emit('apps.forward', { serverId: 's1', app: 'blog', url: 'http://127.0.0.1:40001/', localPort: 40001, remote: '127.0.0.1:8080', state: 'closed', reason: 'stopped' })
    expect(store.forwardUrl('s1', 'blog')).toBeUndefined()
    bridge.emit('apps.forward', { serverId: 's1', app: 'blog', url: 'http://127.0.0.1:40001/', localPort: 40001, remote: '127.0.0.1:8080', state: 'open' })
    expect(store.forwardUrl('s1', 'blog')).toBe('http://127.0.0.1:40001/')

    bridge.answer('apps.update', { jobId: 'j7', app: 'blog' })
    await store.update('s1', 'blog')
    expect(store.jobOf('s1', 'blog')).toBe('j7')
    expect(store.jobOf('s1', 'wiki')).toBeUndefined()
    store.dismissJob('s1', 'blog')
    expect(store.jobOf('s1', 'blog')).toBeUndefined()
  })

  it('says what an action is doing while it runs', () => {
    expect(busyMessage('stop', 'blog', 3)).toBe('Stopping 3 containers of blog…')
    expect(busyMessage('restart', 'blog', 1)).toBe('Restarting 1 container of blog…')
    expect(busyMessage('open', 'blog', 2)).toBe('Opening the page of blog…')
  })
})
