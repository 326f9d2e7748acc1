import { describe, expect, it } from 'vitest'
import type { PlanDto } from '../../../../../shared/contract/index.js'
import { groupPlan } from './plan-groups.js'

const plan: PlanDto = {
  app: 'blog',
  images: [
    { service: 'web', image: 'nginx:1', pull: true },
    { service: 'db', image: 'postgres:16', pull: false },
  ],
  networks: [{ name: 'blog_default', action: 'create' }],
  volumes: [{ name: 'blog_data', action: 'keep' }],
  containers: [
    { service: 'db', name: 'blog-db-1', action: 'keep', reason: 'unchanged' },
    { service: 'web', name: 'blog-web-1', action: 'recreate', reason: 'image changed' },
    { service: 'worker', name: 'blog-worker-1', action: 'create', reason: 'new service' },
  ],
  warnings: [],
  upToDate: false,
}

describe('plan preview grouping', () => {
  it('groups containers by action in a fixed order and counts what changes', () => {
    const summary = groupPlan(plan)
    expect(summary.groups.map((g) => [g.action, g.containers.map((c) => c.service)])).toEqual([
      ['create', ['worker']],
      ['recreate', ['web']],
      ['keep', ['db']],
    ])
    expect(summary.pulls.map((i) => i.image)).toEqual(['nginx:1'])
    expect(summary.present.map((i) => i.image)).toEqual(['postgres:16'])
    expect(summary.headline).toBe('1 to create, 1 to recreate, 1 image to pull')
    expect(summary.changes).toBe(true)
  })

  it('says so when nothing changes', () => {
    const summary = groupPlan({ ...plan, images: [], networks: [{ name: 'blog_default', action: 'keep' }], containers: plan.containers.map((c) => ({ ...c, action: 'keep' })), upToDate: true })
    expect(summary.changes).toBe(false)
    expect(summary.headline).toMatch(/up to date/)
    expect(summary.groups).toHaveLength(1)
  })
})
