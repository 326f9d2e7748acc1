// Which layers an engine already holds, named as its layer store names them: by chain ID. A layer's chain ID
// is its diff ID for the first layer, then sha256("<parent chain ID> <diff ID>") — so it names the layer
// together with everything under it, which is what `POST /images/load` looks up before it reads a layer's
// file (moby image/tarexport/load.go). The engine has no call that lists layers: every prefix of each of its
// images' `RootFS.Layers` is a layer it holds.

import { createHash } from 'node:crypto'
import type Docker from 'dockerode'

/** The chain ID of every prefix of `diffIds`, in order. */
export function chainIds(diffIds: readonly string[]): string[] {
  const out: string[] = []
  for (const diffId of diffIds) {
    const parent = out.at(-1)
    out.push(parent === undefined ? diffId : `sha256:${createHash('sha256').update(`${parent} ${diffId}`).digest('hex')}`)
  }
  return out
}

/** How many image inspections go out at once: each is one channel on the connection. */
const INSPECT_CONCURRENCY = 8

/** The chain IDs of every layer of every image the engine has: one list, then the inspections in parallel. */
export async function presentLayers(docker: Docker): Promise<Set<string>> {
  const images = await docker.listImages()
  const present = new Set<string>()
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < images.length) {
      const image = images[next++]!
      // An image removed between the list and its inspection holds nothing any more.
      const info = await docker.getImage(image.Id).inspect().catch(() => undefined)
      for (const id of chainIds(info?.RootFS?.Layers ?? [])) present.add(id)
    }
  }
  await Promise.all(Array.from({ length: Math.min(INSPECT_CONCURRENCY, images.length) }, worker))
  return present
}
