import { describe, expect, it, vi } from 'vitest'
import type { JobDto } from '../../../../shared/contract/index.js'
import { useFakeBridge } from '../../api/fake-bridge.test-support.js'
import { fromBase64, toBase64 } from './components/base64.js'
import { STAGE_CHUNK, useTransfersStore } from './transfers-store.js'

const bridge = useFakeBridge()
const at = { serverId: 's1' }

function transferJob(id: string, kind: 'upload' | 'download', state: JobDto['state'], bytes = 0): JobDto {
  const base = { id, title: kind, state, items: [], log: [], startedAt: 'now' }
  const result = { files: 1, folders: 0, links: 0, bytes, skipped: [], renamed: [], verified: 0, resumed: 0 }
  return kind === 'upload' ? { ...base, kind, ...(state === 'succeeded' ? { result } : {}) } : { ...base, kind, ...(state === 'succeeded' ? { result } : {}) }
}

describe('transfers store', () => {
  it('uploads a browser’s files through a staging folder in chunks, as one job, and removes the folder after', async () => {
    const big = new Uint8Array(STAGE_CHUNK + 10).map((_, i) => i % 251)
    const written = new Map<string, number[]>()
    bridge.answer('files.stageCreate', { stageId: 'stage-0001', path: '/tmp/homeport-stage-x' })
    bridge.answer('files.stageWrite', (input) => {
      written.set(input.name, [...(written.get(input.name) ?? []), input.offset])
      return { size: input.offset + fromBase64(input.data).length }
    })
    bridge.answer('files.upload', { jobId: 'u1' })
    bridge.answer('jobs.get', transferJob('u1', 'upload', 'succeeded'))
    bridge.answer('files.stageDiscard', undefined)
    const transfers = useTransfersStore()
    const done = await transfers.uploadFiles(at, '/srv/in', [
      { relativePath: 'photos/big.bin', file: new Blob([big]) },
      { relativePath: 'photos/empty.txt', file: new Blob([]) },
      { relativePath: 'note.txt', file: new Blob(['hi']) },
    ])
    expect(done.phase).toBe('succeeded')
    expect(Object.fromEntries(written)).toEqual({ 'photos/big.bin': [0, STAGE_CHUNK], 'photos/empty.txt': [0], 'note.txt': [0] })
    expect(bridge.calls.find((c) => c.method === 'files.upload')?.input).toEqual({
      serverId: 's1',
      sources: ['/tmp/homeport-stage-x/photos', '/tmp/homeport-stage-x/note.txt'],
      destination: '/srv/in',
      onClash: 'ask',
    })
    expect(bridge.calls.at(-1)).toEqual({ method: 'files.stageDiscard', input: { stageId: 'stage-0001' } })
    expect(done.pageBytes).toEqual({ done: big.length + 2, total: big.length + 2 })
  })

  it('cancelled while staging: no job starts and the staging folder goes', async () => {
    let release: () => void = () => {}
    bridge.answer('files.stageCreate', { stageId: 'stage-0002', path: '/tmp/s' })
    bridge.answer('files.stageWrite', () => new Promise((resolve) => (release = () => resolve({ size: STAGE_CHUNK }))))
    bridge.answer('files.stageDiscard', undefined)
    const transfers = useTransfersStore()
    const running = transfers.uploadFiles(at, '/srv', [{ relativePath: 'a.bin', file: new Blob([new Uint8Array(STAGE_CHUNK * 2)]) }])
    await vi.waitFor(() => expect(bridge.calls.some((c) => c.method === 'files.stageWrite')).toBe(true))
    await transfers.cancel(transfers.list[0].id)
    release()
    expect((await running).phase).toBe('cancelled')
    expect(bridge.calls.some((c) => c.method === 'files.upload')).toBe(false)
    expect(bridge.calls.at(-1)?.method).toBe('files.stageDiscard')
  })

  it('shows a failed job’s error on its row', async () => {
    bridge.answer('files.upload', { jobId: 'u2' })
    bridge.answer('jobs.get', { ...transferJob('u2', 'upload', 'failed'), error: { code: 'DISK_FULL', message: 'The disk that holds /srv on home is full.', hint: 'Free some space.' } })
    const done = await useTransfersStore().uploadPaths(at, '/srv', ['/home/me/a.iso'])
    expect(done.phase).toBe('failed')
    expect(done.error?.code).toBe('DISK_FULL')
  })

  it('downloads for a browser into a staging folder, then reads each file back in chunks and saves it', async () => {
    const content = new Uint8Array(STAGE_CHUNK + 3).map((_, i) => i % 7)
    bridge.answer('files.stageCreate', { stageId: 'stage-0003', path: '/tmp/d' })
    bridge.answer('files.download', { jobId: 'd1' })
    bridge.answer('jobs.get', transferJob('d1', 'download', 'succeeded', content.length))
    bridge.answer('files.stageRead', ({ offset, length }) => ({ data: toBase64(content.subarray(offset, offset + length)), size: content.length }))
    bridge.answer('files.stageDiscard', undefined)
    const saved: { name: string; bytes: Uint8Array }[] = []
    const done = await useTransfersStore().downloadToPage(at, ['/srv/report.pdf'], (name, blob) => void blob.arrayBuffer().then((b) => saved.push({ name, bytes: new Uint8Array(b) })))
    expect(done.phase).toBe('succeeded')
    expect(bridge.calls.find((c) => c.method === 'files.download')?.input).toEqual({ serverId: 's1', sources: ['/srv/report.pdf'], destination: '/tmp/d', onClash: 'overwrite' })
    await vi.waitFor(() => expect(saved).toHaveLength(1))
    expect(saved[0].name).toBe('report.pdf')
    expect(Buffer.from(saved[0].bytes).equals(Buffer.from(content))).toBe(true)
    expect(bridge.calls.at(-1)).toEqual({ method: 'files.stageDiscard', input: { stageId: 'stage-0003' } })
  })
})
