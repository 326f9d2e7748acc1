import { describe, expect, it } from 'vitest'
import type { ContainerDto } from '../../../../shared/contract/index.js'
import { applyContainersPatch, frozenRows, patchContainers, queryContainers } from './container-patches.js'

function container(i: number, state = 'running'): ContainerDto {
  return { id: `id${i}`, name: `ctr-${i}`, image: i % 3 === 0 ? 'nginx:1' : 'busybox:2', state, status: state === 'running' ? 'Up 1 minute' : 'Exited (0)', ports: i % 10 === 0 ? [{ privatePort: 80, publicPort: 8000 + i, type: 'tcp' }] : [], created: 1_700_000_000 + i, labels: {} }
}

describe('container patches', () => {
  it('replaces only the row that changed, keeps the others as the same objects', () => {
    const rows = frozenRows(Array.from({ length: 1000 }, (_, i) => container(i)))
    const next = Array.from({ length: 1000 }, (_, i) => container(i, i === 500 ? 'exited' : 'running'))
    const after = patchContainers(rows, next)
    expect(after[500].state).toBe('exited')
    expect(rows[500].state).toBe('running')
    expect(after.every((row, i) => i === 500 || row === rows[i])).toBe(true)
    // Frozen, so Vue never wraps them in proxies and nothing changes them behind the table's back.
    expect(Object.isFrozen(after) && Object.isFrozen(after[500])).toBe(true)
    expect(patchContainers(after, next)).toBe(after)
  })

  it('drops the gone rows and adds the new ones at the end', () => {
    const rows = frozenRows([container(1), container(2), container(3)])
    const after = patchContainers(rows, [container(3), container(4), container(1)])
    expect(after.map((r) => r.name)).toEqual(['ctr-1', 'ctr-3', 'ctr-4'])
    expect(after[0]).toBe(rows[0])
    expect(patchContainers(after, [])).toEqual([])
  })

  it('applies a patch to the rows it names only, new rows first and newest first, gone rows dropped', () => {
    const rows = frozenRows(Array.from({ length: 1000 }, (_, i) => container(i)))
    const stopped = applyContainersPatch(rows, { changed: [container(500, 'exited')], removed: [] })
    expect(stopped[500].state).toBe('exited')
    expect(stopped.every((row, i) => i === 500 || row === rows[i])).toBe(true)
    expect(applyContainersPatch(stopped, { changed: [container(500, 'exited')], removed: [] })).toBe(stopped)
    const after = applyContainersPatch(stopped, { changed: [container(1001), container(1002), container(1003)], removed: ['id0', 'id1', 'id1003'] })
    expect(after.slice(0, 3).map((r) => r.name)).toEqual(['ctr-1002', 'ctr-1001', 'ctr-2'])
    expect(after).toHaveLength(1000)
    expect(after[2]).toBe(rows[2])
    expect(Object.isFrozen(after) && Object.isFrozen(after[0])).toBe(true)
    // Removing what is not there changes nothing.
    expect(applyContainersPatch(after, { changed: [], removed: ['id0'] })).toBe(after)
  })

  it('filters by every word and sorts 1,000 rows, numbers in names in their order', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => container(i, i % 2 ? 'exited' : 'running'))
    const nginx = queryContainers(rows, { text: 'NGINX running', sort: { key: 'name', order: 'descend' } })
    expect(nginx).toHaveLength(167)
    expect(nginx.slice(0, 2).map((r) => r.name)).toEqual(['ctr-996', 'ctr-990'])
    expect(queryContainers(rows, { text: '8990' }).map((r) => r.name)).toEqual(['ctr-990'])
    const byName = queryContainers(rows, { sort: { key: 'name', order: 'ascend' } })
    expect(byName.slice(0, 3).map((r) => r.name)).toEqual(['ctr-0', 'ctr-1', 'ctr-2'])
    expect(queryContainers(rows, { sort: { key: 'created', order: 'descend' } })[0].name).toBe('ctr-999')
    // The input is never reordered: the store's list stays as Docker's events built it.
    expect(rows[0].name).toBe('ctr-0')
    expect(queryContainers(rows, {})).not.toBe(rows)
  })
})
