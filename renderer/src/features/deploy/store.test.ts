import { describe, expect, it } from 'vitest'
import type { DeployHistoryDto, JobDto } from '../../../../shared/contract/index.js'
import { useFakeBridge } from '../../api/fake-bridge.test-support.js'
import { configFromForm, emptyDeployForm, folderName, servingVersion } from './components/deploy-form.js'
import { useDeployStore } from './store.js'

const version = (v: string, serving: boolean) => ({ version: v, createdAt: '2026-11-30T06:15:02Z', image: `homeport-deploy/web:${v}`, config: { port: 8080, health: { timeout: 60 }, env: {} }, serving })
const web: DeployHistoryDto = { app: 'web', server: 'nas', current: '20261130-061502', port: 8080, versions: [version('20261130-061502', true), version('20261130-050000', false)] }
const api: DeployHistoryDto = { app: 'api', server: 'nas', versions: [] }
const deployJob = (patch: Partial<JobDto<'deploy'>> = {}): JobDto<'deploy'> => ({
  id: 'j1', kind: 'deploy', title: 'Deploy web to nas', serverId: 's1', app: 'web', state: 'running', items: [], log: [], startedAt: '2026-11-30T06:15:00Z', ...patch,
})

const bridge = useFakeBridge()

describe('deploy store', () => {
  it('lists the deployed apps of a server by name', async () => {
    bridge.answer('deploy.list', [web, api])
    const store = useDeployStore()
    await store.load('s1')
    expect(store.of('s1')).toMatchObject({ loaded: true, loading: false })
    expect(store.of('s1').apps.map((a) => a.app)).toEqual(['api', 'web'])
    expect(bridge.calls).toEqual([{ method: 'deploy.list', input: { serverId: 's1' } }])
  })

  it('keeps the error of a failed list on the server entry', async () => {
    bridge.fail('deploy.list', { code: 'CONNECTION_LOST', message: 'nas is not connected', hint: 'Connect it' })
    const store = useDeployStore()
    await store.load('s1')
    expect(store.of('s1').error?.code).toBe('CONNECTION_LOST')
    expect(store.of('s1').loaded).toBe(false)
  })

  it('deploys a folder as a job and reads the list again once it ends', async () => {
    bridge.answer('deploy.run', { jobId: 'j1', app: 'web', serverId: 's1' })
    bridge.answer('jobs.get', deployJob())
    bridge.answer('deploy.list', [web])
    const store = useDeployStore()
    const started = await store.deploy('s1', '/home/me/web')
    expect(started).toMatchObject({ serverId: 's1', app: 'web', job: { id: 'j1', state: 'running' } })
    expect(store.deployJob('s1')?.id).toBe('j1')
    expect(bridge.calls.filter((c) => c.method === 'deploy.list')).toHaveLength(0)
    bridge.emit('job.update', deployJob({ state: 'succeeded', result: { app: 'web', version: '20261130-061502', port: 8080, kind: 'build', pruned: [] } }))
    await expect.poll(() => store.of('s1').apps.length).toBe(1)
    expect(store.deployJob('s1')?.state).toBe('succeeded')
  })

  it('rolls an app back to the version asked for, as a job per app', async () => {
    bridge.answer('deploy.rollback', { jobId: 'j2' })
    bridge.answer('jobs.get', deployJob({ id: 'j2' }))
    const store = useDeployStore()
    await store.rollback('s1', 'web', '20261130-050000')
    expect(bridge.calls[0]).toEqual({ method: 'deploy.rollback', input: { serverId: 's1', app: 'web', version: '20261130-050000' } })
    expect(store.rollbackJob('s1', 'web')?.id).toBe('j2')
    expect(store.rollbackJob('s1', 'api')).toBeUndefined()
  })

  it('passes a refused rollback on to the dialog, starting no job', async () => {
    bridge.fail('deploy.rollback', { code: 'NOT_FOUND', message: 'web has no version 20261130-040000', hint: 'Pick a kept version' })
    const store = useDeployStore()
    await expect(store.rollback('s1', 'web', '20261130-040000')).rejects.toMatchObject({ code: 'NOT_FOUND' })
    expect(store.rollbackJob('s1', 'web')).toBeUndefined()
  })

  it('writes homeport.yml without overwriting one that exists', async () => {
    bridge.answer('deploy.init', { configPath: '/p/homeport.yml', dockerfilePath: '/p/Dockerfile', stack: 'node' })
    const store = useDeployStore()
    await store.init('/p', { app: 'web', server: 'nas', port: 8080 }, true)
    expect(bridge.calls[0]?.input).toEqual({ dir: '/p', config: { app: 'web', server: 'nas', port: 8080 }, dockerfile: true, overwrite: false })
  })
})

describe('the deploy form', () => {
  it('turns the answers into homeport.yml for the page\'s server', () => {
    const form = { ...emptyDeployForm(folderName('/home/me/My App/')), port: '8080', healthPath: '/health' }
    expect(form.app).toBe('my-app')
    expect(configFromForm(form, 'nas')).toEqual({ config: { app: 'my-app', server: 'nas', port: 8080, health: { timeout: 60, path: '/health' } } })
  })

  it('names each field that is wrong', () => {
    const result = configFromForm({ app: 'Bad Name', port: '70000', healthPath: 'health', healthTimeout: '0' }, 'nas')
    expect(result).toEqual({
      errors: {
        app: expect.stringContaining('lower-case'),
        port: expect.stringContaining('1–65535'),
        healthPath: expect.stringContaining('starting with "/"'),
        healthTimeout: expect.stringContaining('1–3600'),
      },
    })
    expect(configFromForm({ app: 'web', port: '', healthPath: '', healthTimeout: '' }, 'nas')).toEqual({ errors: { port: expect.stringContaining('port') } })
  })

  it('finds the serving version', () => {
    expect(servingVersion(web)?.version).toBe('20261130-061502')
    expect(servingVersion(api)).toBeUndefined()
  })
})
