// A machine runs in cgroups of its own, one level below the test process's, in every hierarchy.
// Why: nspawn gives the machine a cgroup namespace rooted at the cgroup it starts in. Started in the test
// process's cgroup (often the host's root), the machine's dockerd would create its `/docker` cgroups beside
// the test engine's, on the host. Below a cgroup of its own, they stay inside it; and a leftover machine can
// be killed to the last process (nested containers included) by emptying that cgroup.

import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, rmdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { sleep } from '../process.js'

interface CgroupMount {
  target: string
  /** v1 controllers (with `name=systemd`), empty for the cgroup2 hierarchy. */
  controllers: string[]
  v2: boolean
}

async function cgroupMounts(): Promise<CgroupMount[]> {
  const mountinfo = await readFile('/proc/self/mountinfo', 'utf8')
  const mounts: CgroupMount[] = []
  for (const line of mountinfo.split('\n')) {
    const [before, after] = line.split(' - ')
    if (!before || !after) continue
    const [fstype, , superOptions = ''] = after.split(' ')
    const target = before.split(' ')[4] ?? ''
    if (fstype === 'cgroup2') mounts.push({ target, controllers: [], v2: true })
    if (fstype === 'cgroup') {
      // Super options list the controllers among flags (rw, xattr…); extra words never match a controller name.
      mounts.push({ target, controllers: superOptions.split(','), v2: false })
    }
  }
  return mounts
}

/** `<hierarchy mount><our cgroup>/<name>` for every hierarchy this process is in. */
export async function machineCgroupDirs(name: string): Promise<string[]> {
  const mounts = await cgroupMounts()
  const dirs: string[] = []
  for (const line of (await readFile('/proc/self/cgroup', 'utf8')).split('\n')) {
    const match = /^\d+:([^:]*):(.*)$/.exec(line)
    if (!match) continue
    const [, controllerList = '', path = '/'] = match
    const controllers = controllerList.split(',').filter(Boolean)
    const mount =
      controllers.length === 0
        ? mounts.find((candidate) => candidate.v2)
        : mounts.find((candidate) => !candidate.v2 && controllers.every((controller) => candidate.controllers.includes(controller)))
    if (mount) dirs.push(join(mount.target, path, name))
  }
  return dirs
}

export async function createCgroups(dirs: string[]): Promise<void> {
  for (const dir of dirs) {
    await mkdir(dir, { recursive: true })
    // A new v1 cpuset cgroup starts with no CPUs and no memory nodes, and refuses every process until given some.
    if (existsSync(join(dir, 'cpuset.cpus')) && (await readFile(join(dir, 'cpuset.cpus'), 'utf8')).trim() === '') {
      await writeFile(join(dir, 'cpuset.cpus'), await readFile(join(dir, '..', 'cpuset.cpus'), 'utf8'))
      await writeFile(join(dir, 'cpuset.mems'), await readFile(join(dir, '..', 'cpuset.mems'), 'utf8'))
    }
  }
}

/** A cgroup and its descendants, deepest first. */
async function subtree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
  const nested = await Promise.all(entries.filter((entry) => entry.isDirectory()).map((entry) => subtree(join(dir, entry.name))))
  return [...nested.flat(), dir]
}

async function pidsIn(dirs: string[]): Promise<number[]> {
  const pids = new Set<number>()
  for (const dir of dirs) {
    for (const cgroup of await subtree(dir)) {
      const text = await readFile(join(cgroup, 'cgroup.procs'), 'utf8').catch(() => '')
      for (const pid of text.split('\n').filter(Boolean)) pids.add(Number(pid))
    }
  }
  return [...pids]
}

/** SIGKILLs every process left in the cgroups (looping, as a dying machine may still fork), then removes them. */
export async function killAndRemoveCgroups(dirs: string[], timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const pids = await pidsIn(dirs)
    if (pids.length === 0) break
    if (Date.now() > deadline) throw new Error(`processes ${pids.join(', ')} are still in ${dirs[0]} after SIGKILL`)
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // already gone
      }
    }
    await sleep(100)
  }
  for (const dir of dirs) {
    for (const cgroup of await subtree(dir)) {
      // An emptied cgroup can stay busy for a moment while the kernel finishes reaping its last process.
      for (let attempt = 0; attempt < 50; attempt++) {
        try {
          await rmdir(cgroup)
          break
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') break
          if (attempt === 49) throw error
          await sleep(100)
        }
      }
    }
  }
}
