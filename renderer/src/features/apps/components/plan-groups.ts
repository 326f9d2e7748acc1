// Groups a plan for the preview: what will be pulled, created, recreated, kept or removed.

import type { PlanDto } from '../../../../../shared/contract/index.js'

export type ContainerAction = PlanDto['containers'][number]['action']

export interface PlanGroup {
  action: ContainerAction
  title: string
  containers: PlanDto['containers']
}

const ORDER: { action: ContainerAction; title: string }[] = [
  { action: 'create', title: 'Create' },
  { action: 'recreate', title: 'Recreate' },
  { action: 'start', title: 'Start' },
  { action: 'remove', title: 'Remove' },
  { action: 'keep', title: 'Leave as they are' },
]

export interface PlanSummary {
  groups: PlanGroup[]
  pulls: PlanDto['images']
  /** Built on the server from a folder on this computer before the containers start. */
  builds: PlanDto['images']
  present: PlanDto['images']
  networks: PlanDto['networks']
  volumes: PlanDto['volumes']
  /** One line such as "2 to create, 1 to pull". */
  headline: string
  changes: boolean
}

export function groupPlan(plan: PlanDto): PlanSummary {
  const groups = ORDER.map(({ action, title }) => ({ action, title, containers: plan.containers.filter((c) => c.action === action) })).filter(
    (g) => g.containers.length > 0,
  )
  const pulls = plan.images.filter((i) => i.pull)
  const builds = plan.images.filter((i) => i.build)
  const present = plan.images.filter((i) => !i.pull && !i.build)
  const parts = groups.filter((g) => g.action !== 'keep').map((g) => `${g.containers.length} to ${g.title.toLowerCase()}`)
  if (pulls.length) parts.push(`${pulls.length} image${pulls.length === 1 ? '' : 's'} to pull`)
  if (builds.length) parts.push(`${builds.length} image${builds.length === 1 ? '' : 's'} to build`)
  const changes = !plan.upToDate && (parts.length > 0 || plan.networks.some((n) => n.action === 'create') || plan.volumes.some((v) => v.action === 'create'))
  return {
    groups,
    pulls,
    builds,
    present,
    networks: plan.networks,
    volumes: plan.volumes,
    headline: changes ? parts.join(', ') || 'Networks and volumes only' : 'Nothing to change: the app is up to date',
    changes,
  }
}
