// What a transfer will do, worked out before a byte moves: every folder, file and symlink under the sources
// (symlinks are entries, never followed, so a link loop is just two links), where each goes, and what happens
// where a name is taken. A folder onto a folder merges; any other clash follows the ClashResolver.

import { HomeportError } from '../../../../shared/errors.js'
import { baseName } from '../file-entry.js'
import { freeName, type ClashResolver } from './clash-resolver.js'

export type ItemKind = 'dir' | 'file' | 'symlink' | 'other'

export interface Node {
  kind: ItemKind
  size: number
  /** Permission bits. */
  mode: number
  /** Seconds since the epoch. */
  atime: number
  mtime: number
}

export interface PlanItem extends Node {
  from: string
  to: string
  /** For symlinks: where the link points. */
  target?: string
  /** Something is at `to` and this replaces it. */
  replace: boolean
  /** A folder that exists already: merged into, never created or changed. */
  merge?: boolean
}

/** Where the bytes come from. */
export interface SourceTree {
  lstat(path: string): Promise<Node>
  list(path: string): Promise<{ name: string; node: Node }[]>
  readlink(path: string): Promise<string>
  join(dir: string, name: string): string
}

/** Where they go: the kinds of the names taken in a folder, or undefined when the folder does not exist. */
export interface DestinationTree {
  taken(path: string): Promise<Map<string, ItemKind> | undefined>
  join(dir: string, name: string): string
}

export interface Plan {
  items: PlanItem[]
  files: number
  bytes: number
  skipped: string[]
  renamed: { from: string; to: string }[]
}

export async function planTransfer(sources: string[], destination: string, src: SourceTree, dst: DestinationTree, clash: ClashResolver, where: string): Promise<Plan> {
  const plan: Plan = { items: [], files: 0, bytes: 0, skipped: [], renamed: [] }
  const top = await dst.taken(destination)
  if (!top) throw new HomeportError('NOT_FOUND', `The destination folder ${destination} does not exist ${where}.`, { hint: 'Create it first, or choose another folder.' })

  const place = async (from: string, node: Node, dir: string, name: string, taken: Map<string, ItemKind> | undefined): Promise<void> => {
    if (node.kind === 'other') return void plan.skipped.push(from)
    let to = dst.join(dir, name)
    let replace = false
    let merge = false
    const existing = taken?.get(name)
    if (existing !== undefined) {
      if (existing === 'dir' && node.kind === 'dir') merge = true
      else {
        const decision = await clash.decide(to, existing, node.kind)
        if (decision === 'skip') return void plan.skipped.push(to)
        if (decision === 'rename') {
          const renamed = freeName(name, (n) => taken!.has(n))
          plan.renamed.push({ from: to, to: dst.join(dir, renamed) })
          name = renamed
          to = dst.join(dir, renamed)
        } else if (existing === 'dir' || node.kind === 'dir') {
          throw new HomeportError('NAME_CLASH', `${to} is a ${existing === 'dir' ? 'folder' : 'file'} ${where}, and a ${node.kind === 'dir' ? 'folder' : 'file'} cannot replace it.`)
        } else replace = true
      }
    }
    taken?.set(name, node.kind)
    if (node.kind === 'dir') {
      plan.items.push({ ...node, from, to, replace: false, ...(merge ? { merge } : {}) })
      const inside = merge ? await dst.taken(to) : undefined
      for (const child of await src.list(from)) await place(src.join(from, child.name), child.node, to, child.name, inside)
      return
    }
    const target = node.kind === 'symlink' ? await src.readlink(from) : undefined
    plan.items.push({ ...node, from, to, replace, ...(target !== undefined ? { target } : {}) })
    if (node.kind === 'file') {
      plan.files++
      plan.bytes += node.size
    }
  }

  for (const source of sources) await place(source, await src.lstat(source), destination, baseName(source), top)
  return plan
}
