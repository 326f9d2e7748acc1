// What an install or update job shows while the compose engine works: one progress bar per image pulled,
// the container being created as the step, and a log line for everything else.

import type { ApplyEvent } from '../compose/engine/apply.js'
import type { JobContext } from '../jobs/job-runner.js'
import type { PreparedApp } from './app-installer.js'

export function describePlan(p: PreparedApp): string {
  const containers = p.plan.containers.map((x) => `${x.action} ${x.name}`).join(', ')
  const pulls = p.plan.images.filter((i) => i.pull).map((i) => i.image).join(', ')
  const secrets = Object.values(p.project.services).flatMap((s) => (s.secrets ?? []).map((x) => `${s.name} gets ${x.source}`)).join(', ')
  return `Plan for ${p.plan.project}: ${containers || 'nothing to do'}; pull ${pulls || 'nothing'}${secrets ? `; secrets: ${secrets}` : ''}`
}

export function progressReporter(ctx: JobContext): (e: ApplyEvent) => void {
  const images = new Map<string, { current: number; total: number }>()
  return (e) => {
    if (e.phase === 'pull') {
      images.set(e.image, { current: e.current, total: e.total })
      const items = [...images.entries()].map(([key, v]) => ({ key, label: `Pull ${key}`, ...v }))
      const total = items.reduce((s, i) => s + i.total, 0)
      ctx.progress(items, total ? items.reduce((s, i) => s + i.current, 0) / total : undefined)
      if (e.done) ctx.log(`Pulled ${e.image}`)
    } else if (e.phase === 'container' && e.status === 'begin') ctx.step(`${e.action[0].toUpperCase()}${e.action.slice(1)} ${e.name}`)
    else if (e.phase === 'wait') ctx.step(`Waiting: ${e.service} needs ${e.condition}`)
    else if (e.phase === 'rollback') ctx.log(`Rolling back: ${e.message}`)
    else if (e.phase === 'network' || e.phase === 'volume') ctx.log(`${e.action === 'create' ? 'Created' : 'Removed'} ${e.phase} ${e.name}`)
  }
}
