import { readFile } from 'node:fs/promises'
import { run } from '../process.js'

/** Mount points at or below `root` in this mount namespace, deepest first. */
export async function mountsUnder(root: string): Promise<string[]> {
  const mountinfo = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '')
  return mountinfo
    .split('\n')
    // Field 5 is the mount point, with spaces and the like written as octal escapes.
    .map((line) => (line.split(' ')[4] ?? '').replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))))
    .filter((target) => target === root || target.startsWith(`${root}/`))
    .sort((a, b) => b.length - a.length)
}

/**
 * Deletes a machine's root or a half-built image. A debootstrap that failed half-way can leave /proc or
 * /sys mounted inside its target: those are unmounted first, and rm stays on the tree's own file system
 * so it can never descend into anything still mounted there.
 */
export async function removeTree(root: string): Promise<void> {
  if (!root.startsWith('/') || root.split('/').filter(Boolean).length < 3) throw new Error(`refusing to delete ${root}`)
  for (const target of await mountsUnder(root)) await run('umount', ['-l', target], { allowFailure: true })
  await run('rm', ['-rf', '--one-file-system', root])
}
