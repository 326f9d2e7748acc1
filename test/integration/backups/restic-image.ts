// The restic image the backup tests run: Debian's restic binary (no image can be pulled from the internet
// here), with busybox for `find` and `stat`, and OpenSSH's client for SFTP repositories, each with the
// libraries it links against, imported into the test engine and pushed to the test registry so pulls are real.

import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { withFileLock } from '../../homeserver/fresh-system/file-lock.js'
import { SHARED_DIR } from '../../homeserver/paths.js'
import type { HomeServerInfo } from '../../homeserver/types.js'

const run = promisify(execFile)
const BINARIES = ['/usr/bin/restic', '/usr/bin/ssh']

async function libraries(binary: string): Promise<string[]> {
  const { stdout } = await run('ldd', [binary])
  return stdout.split('\n').map((l) => /(\/\S+) \(0x/.exec(l)?.[1]).filter((p): p is string => Boolean(p))
}

async function imageExists(hs: HomeServerInfo, reference: string): Promise<boolean> {
  return run('docker', ['image', 'inspect', reference], { env: { ...process.env, DOCKER_HOST: hs.dockerHost } }).then(() => true, () => false)
}

/**
 * Builds (once per engine) and pushes the test restic image; returns its reference. Under a lock: a file that
 * runs beside the one building it must not find the image in the engine before it is in the registry.
 */
export function resticTestImage(hs: HomeServerInfo): Promise<string> {
  return withFileLock(`${SHARED_DIR}/restic-image.lock`, 'exclusive', () => buildResticImage(hs))
}

async function buildResticImage(hs: HomeServerInfo): Promise<string> {
  const reference = `${hs.registry}/homeport/restic:0.14-debian-stat`
  if (await imageExists(hs, reference)) return reference
  if (!existsSync('/usr/bin/restic')) throw new Error('restic is not installed on this machine (apt-get install restic)')
  const root = await mkdtemp(join(tmpdir(), 'homeport-restic-image-'))
  try {
    for (const dir of ['bin', 'etc', 'tmp', 'root', 'usr/bin']) await mkdir(join(root, dir), { recursive: true })
    await copyFile('/bin/busybox', join(root, 'bin/busybox'))
    for (const applet of ['sh', 'find', 'cat', 'ls', 'rm', 'mkdir', 'cp', 'dirname', 'sha256sum', 'stat']) await symlink('busybox', join(root, 'bin', applet))
    const files = new Set<string>(BINARIES)
    for (const binary of BINARIES) for (const lib of await libraries(binary)) files.add(lib)
    for (const file of files) {
      await mkdir(join(root, dirname(file)), { recursive: true })
      await copyFile(file, join(root, file))
    }
    await writeFile(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n')
    await writeFile(join(root, 'etc/group'), 'root:x:0:\n')
    await run('chmod', ['1777', join(root, 'tmp')])
    const env = { ...process.env, DOCKER_HOST: hs.dockerHost }
    // As the official image: restic is the entrypoint.
    const script = 'tar -C "$1" -c . | docker import -c "ENV PATH=/usr/bin:/bin" -c \'ENTRYPOINT ["/usr/bin/restic"]\' - "$2"'
    await run('/bin/sh', ['-c', script, 'sh', root, reference], { env })
    await run('docker', ['push', '--quiet', reference], { env })
    return reference
  } finally {
    await rm(root, { recursive: true, force: true })
  }
}
