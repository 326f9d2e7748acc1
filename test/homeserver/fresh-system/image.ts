// The cached Debian image every fresh machine is copied from. debootstrap takes about a minute, so the
// image is built once per machine and kept under IMAGE_CACHE_DIR, keyed by everything that shapes it.
// A build goes into a temporary directory renamed into place only when complete, under an exclusive lock;
// copies take the lock shared, so a rebuild never pulls an image from under a run that is copying it.

import { createHash } from 'node:crypto'
import { existsSync, lstatSync } from 'node:fs'
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { run } from '../process.js'
import { hostMirrors, SUITE } from './apt-sources.js'
import { withFileLock } from './file-lock.js'
import { IMAGE_CACHE_DIR } from './paths.js'
import { removeTree } from './remove-tree.js'

export const IMAGE_VARIANT = 'minbase'
/** What a minimal server install has that minbase lacks: sshd, sudo, systemd as init, D-Bus. */
// libpam-systemd as on a standard install (minbase skips systemd's Recommends): without it no user manager
// runs, so no systemd user timer either.
export const IMAGE_PACKAGES = ['openssh-server', 'sudo', 'systemd', 'systemd-sysv', 'dbus', 'libpam-systemd']
/** Bump when the post-debootstrap scrubbing below changes, so old images are rebuilt. */
const IMAGE_FORMAT = 1
const MARKER = '.homeport-image.json'
/** Files a booted machine cannot do without: a half-written image lacks some of them. */
const REQUIRED_FILES = [
  'etc/os-release',
  'sbin/init',
  'lib/systemd/systemd',
  'usr/sbin/sshd',
  'usr/bin/sudo',
  'usr/bin/dbus-daemon',
  'usr/bin/apt-get',
  'var/lib/dpkg/status',
  'usr/share/keyrings/debian-archive-keyring.gpg',
]

export interface Image {
  dir: string
  key: string
  mirror: string
  /** Whether this call ran debootstrap (false: the cached image was used). */
  built: boolean
  /** Time spent in debootstrap and scrubbing when built, else in checking the cache. */
  ms: number
}

interface Marker {
  key: string
  suite: string
  variant: string
  packages: string[]
  mirror: string
  arch: string
  builtAt: string
  debootstrapSeconds: number
}

async function imageIdentity(): Promise<{ key: string; dir: string; mirror: string; arch: string }> {
  const { main: mirror } = await hostMirrors()
  const arch = (await run('dpkg', ['--print-architecture'])).stdout.trim()
  const shape = { format: IMAGE_FORMAT, suite: SUITE, variant: IMAGE_VARIANT, packages: IMAGE_PACKAGES, mirror, arch }
  const key = createHash('sha256').update(JSON.stringify(shape)).digest('hex').slice(0, 16)
  return { key, dir: join(IMAGE_CACHE_DIR, `${SUITE}-${arch}-${key}`), mirror, arch }
}

async function isComplete(dir: string, key: string): Promise<boolean> {
  try {
    const marker = JSON.parse(await readFile(join(dir, MARKER), 'utf8')) as Marker
    if (marker.key !== key) return false
  } catch {
    return false
  }
  // lstat: sbin/init is an absolute link, which existsSync would follow to the host's own systemd.
  const present = (file: string): boolean => lstatSync(join(dir, file), { throwIfNoEntry: false }) !== undefined
  // debootstrap deletes its own work dir last: one still there means it never finished.
  return REQUIRED_FILES.every(present) && !present('debootstrap')
}

/** The cached image, built first if it is missing or incomplete (or `rebuild` is set). */
export async function ensureImage(log: (line: string) => void = () => {}, options: { rebuild?: boolean } = {}): Promise<Image> {
  const { key, dir, mirror, arch } = await imageIdentity()
  const startedAt = Date.now()
  return withFileLock(`${dir}.lock`, 'exclusive', async () => {
    if (!options.rebuild && (await isComplete(dir, key))) return { dir, key, mirror, built: false, ms: Date.now() - startedAt }
    if (existsSync(dir)) {
      log(options.rebuild ? `rebuilding ${dir}` : `cached image ${dir} is incomplete: rebuilding it`)
      await removeTree(dir)
    }
    // Only the holder of the exclusive lock builds, so any temporary dir of this key is a dead build's.
    const base = dir.slice(IMAGE_CACHE_DIR.length + 1)
    for (const entry of await readdir(IMAGE_CACHE_DIR).catch(() => [] as string[])) {
      if (entry.startsWith(`${base}.tmp-`)) await removeTree(join(IMAGE_CACHE_DIR, entry))
    }
    const temp = `${dir}.tmp-${process.pid}`
    log(`building the Debian image with debootstrap from ${mirror} (about a minute)`)
    const buildStartedAt = Date.now()
    try {
      await debootstrap(temp, mirror)
      const debootstrapSeconds = (Date.now() - buildStartedAt) / 1000
      await scrub(temp)
      const marker: Marker = {
        key,
        suite: SUITE,
        variant: IMAGE_VARIANT,
        packages: IMAGE_PACKAGES,
        mirror,
        arch,
        builtAt: new Date().toISOString(),
        debootstrapSeconds,
      }
      await writeFile(join(temp, MARKER), `${JSON.stringify(marker, null, 2)}\n`)
      await rename(temp, dir)
    } catch (error) {
      await removeTree(temp).catch(() => {})
      throw error
    }
    return { dir, key, mirror, built: true, ms: Date.now() - buildStartedAt }
  })
}

async function debootstrap(target: string, mirror: string): Promise<void> {
  const args = [`--variant=${IMAGE_VARIANT}`, `--include=${IMAGE_PACKAGES.join(',')}`, SUITE, target, mirror]
  const result = await run('debootstrap', args, { allowFailure: true })
  if (result.code === 0) return
  const ownLog = await readFile(join(target, 'debootstrap', 'debootstrap.log'), 'utf8').catch(() => '')
  const tail = (ownLog || `${result.stdout}\n${result.stderr}`).trim().split('\n').slice(-20).join('\n')
  throw new Error(`debootstrap ${args.join(' ')} exited with ${result.code}; last lines:\n${tail}`)
}

/**
 * Removes what must differ between machines or only costs space: host keys (each copy gets its own, or
 * every machine would share one identity), the machine id, and the downloaded .deb files.
 */
async function scrub(root: string): Promise<void> {
  await run('sh', ['-c', 'rm -f "$1"/etc/ssh/ssh_host_* "$1"/var/cache/apt/archives/*.deb && : > "$1"/etc/machine-id', 'sh', root])
}

/** Room for the image (~220 MB), Debian's docker.io (~400 MB) and a few images; tmpfs only uses what is written. */
const MACHINE_ROOT_SIZE = '4g'

/**
 * A private copy of the image on a tmpfs of its own mounted at `dest`. On disk, removing a machine after
 * Docker was installed took 35 s on a busy host (rm of ~700 MB of small files) and dpkg's fsyncs slowed the
 * install; a tmpfs goes with one umount. A copy rather than an overlay: Docker refuses overlay2 on an
 * overlayfs backing file system, and the machine's Docker must get the storage driver a real box gets.
 */
export async function copyImage(image: Image, dest: string): Promise<void> {
  await mkdir(dest, { recursive: true })
  await run('mount', ['-t', 'tmpfs', '-o', `size=${MACHINE_ROOT_SIZE},mode=0755`, 'homeport-fresh', dest])
  await withFileLock(`${image.dir}.lock`, 'shared', () => run('cp', ['-a', `${image.dir}/.`, `${dest}/`]))
  await rm(join(dest, MARKER), { force: true })
}
