// Removing what nothing uses. `unusedItems` is the preview (what would go and what it frees); `removeItems`
// removes exactly the items it is given, each checked again against a fresh read first, so something a
// container started using since the preview is refused and left alone rather than forced away.

import type { EngineItemDto, EngineKind, RemoveResultDto, UnusedDto } from '../../../shared/contract/index.js'
import { toErrorInfo } from '../../../shared/errors.js'
import type { Docker } from '../docker/docker-access.js'
import { imagesOf, networksOf, readSnapshot, uniqueSize, volumesOf, type EngineSnapshot } from './engine-objects.js'

interface Candidate extends EngineItemDto {
  /** Containers that use it, by name; empty when it is unused. */
  users: string[]
  /** bridge, host, none: never removed. */
  builtIn?: boolean
  tags?: string[]
}

function candidates(snapshot: EngineSnapshot): Candidate[] {
  const images = imagesOf(snapshot).map((i) => ({
    kind: 'image' as const,
    ref: i.id,
    label: i.tags.join(', ') || `<untagged> ${i.id.replace(/^sha256:/, '').slice(0, 12)}`,
    size: uniqueSize({ Size: i.size, SharedSize: i.sharedSize }),
    users: i.users.map((u) => u.name),
    tags: i.tags,
  }))
  const volumes = volumesOf(snapshot).map((v) => ({ kind: 'volume' as const, ref: v.name, label: v.name, size: v.size ?? 0, users: v.users.map((u) => u.name) }))
  const networks = networksOf(snapshot).map((n) => ({ kind: 'network' as const, ref: n.id, label: n.name, size: 0, users: n.users.map((u) => u.name), builtIn: n.builtIn }))
  return [...images, ...volumes, ...networks]
}

const item = ({ kind, ref, label, size }: Candidate): EngineItemDto => ({ kind, ref, label, size })

export async function unusedItems(docker: Docker, kinds: EngineKind[]): Promise<UnusedDto> {
  const items = candidates(await readSnapshot(docker))
    .filter((c) => kinds.includes(c.kind) && !c.users.length && !c.builtIn)
    .map(item)
  return { items, bytes: items.reduce((sum, i) => sum + i.size, 0) }
}

/** Bytes the engine holds in image layers and volumes. */
function heldBytes(snapshot: EngineSnapshot): number {
  return (snapshot.df.LayersSize ?? 0) + (snapshot.df.Volumes ?? []).reduce((sum, v) => sum + Math.max(0, v.UsageData?.Size ?? 0), 0)
}

function matches(c: Candidate, wanted: { kind: EngineKind; ref: string }): boolean {
  if (c.kind !== wanted.kind) return false
  if (c.ref === wanted.ref || c.label === wanted.ref) return true
  // Images and networks may be named by a short id or, for images, by a tag.
  return (c.kind !== 'volume' && c.ref.replace(/^sha256:/, '').startsWith(wanted.ref.replace(/^sha256:/, '')) && wanted.ref.length >= 12) || Boolean(c.tags?.includes(wanted.ref))
}

async function removeOne(docker: Docker, c: Candidate): Promise<void> {
  if (c.kind === 'volume') return void (await docker.getVolume(c.ref).remove())
  if (c.kind === 'network') return void (await docker.getNetwork(c.ref).remove())
  // An image under several names goes by untagging each; the last one deletes it. Never forced.
  const tags = c.tags ?? []
  if (tags.length > 1) for (const tag of tags) await docker.getImage(tag).remove()
  else await docker.getImage(c.ref).remove()
}

export async function removeItems(docker: Docker, wanted: { kind: EngineKind; ref: string }[], serverName: string): Promise<RemoveResultDto> {
  const before = await readSnapshot(docker)
  const known = candidates(before)
  const removed: EngineItemDto[] = []
  const failed: RemoveResultDto['failed'] = []
  for (const w of wanted) {
    const found = known.find((c) => matches(c, w))
    if (!found) {
      failed.push({ kind: w.kind, ref: w.ref, label: w.ref, size: 0, error: `There is no ${w.kind} "${w.ref}" on ${serverName} (any more).` })
      continue
    }
    if (found.builtIn) failed.push({ ...item(found), error: `${found.label} is one of Docker's own networks; it is never removed.` })
    else if (found.users.length) failed.push({ ...item(found), error: `In use by ${found.users.join(', ')}: remove or change those containers first.` })
    else {
      try {
        await removeOne(docker, found)
        removed.push(item(found))
      } catch (err) {
        const info = toErrorInfo(err)
        failed.push({ ...item(found), error: info.details ? `${info.message} ${info.details}` : info.message })
      }
    }
  }
  const after = removed.length ? await readSnapshot(docker) : before
  return { removed, failed, bytesFreed: Math.max(0, heldBytes(before) - heldBytes(after)) }
}
