// The proxy image the deploy tests run: Debian's caddy binary (no image can be pulled from the internet here)
// with the libraries it links against, imported into the test engine and pushed to the test registry so the
// core's pull is real. When caddy is not installed on this machine its package is only downloaded and
// unpacked into a temporary folder (`apt-get download` + `dpkg-deb -x`): installing it would start a caddy
// service on this machine's ports 80 and 2019.

import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { copyFile, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import type { HomeServerInfo } from '../../homeserver/types.js'

const run = promisify(execFile)

async function libraries(binary: string): Promise<string[]> {
  const { stdout } = await run('ldd', [binary])
  return stdout.split('\n').map((l) => /(\/\S+) \(0x/.exec(l)?.[1]).filter((p): p is string => Boolean(p))
}

async function caddyBinary(scratch: string): Promise<string> {
  if (existsSync('/usr/bin/caddy')) return '/usr/bin/caddy'
  const download = join(scratch, 'deb')
  await mkdir(download, { recursive: true })
  await run('apt-get', ['download', 'caddy'], { cwd: download })
  const deb = (await readdir(download)).find((f) => f.endsWith('.deb'))
  if (!deb) throw new Error('apt-get download caddy fetched no package')
  await run('dpkg-deb', ['-x', join(download, deb), join(scratch, 'unpacked')])
  return join(scratch, 'unpacked/usr/bin/caddy')
}

/** Builds (once per engine) and pushes the test Caddy image; returns its reference. */
export async function caddyTestImage(hs: HomeServerInfo): Promise<string> {
  const reference = `${hs.registry}/homeport/caddy:2.6-debian`
  const env = { ...process.env, DOCKER_HOST: hs.dockerHost }
  if (await run('docker', ['image', 'inspect', reference], { env }).then(() => true, () => false)) return reference
  const scratch = await mkdtemp(join(tmpdir(), 'homeport-caddy-image-'))
  try {
    const binary = await caddyBinary(scratch)
    const root = join(scratch, 'root')
    for (const dir of ['bin', 'etc', 'tmp', 'usr/bin']) await mkdir(join(root, dir), { recursive: true })
    await copyFile(binary, join(root, 'usr/bin/caddy'))
    await copyFile('/bin/busybox', join(root, 'bin/busybox'))
    await symlink('busybox', join(root, 'bin/sh'))
    for (const lib of await libraries(binary)) {
      await mkdir(join(root, dirname(lib)), { recursive: true })
      await copyFile(lib, join(root, lib))
    }
    await writeFile(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n')
    await writeFile(join(root, 'etc/group'), 'root:x:0:\n')
    await run('chmod', ['1777', join(root, 'tmp')])
    const script = 'tar -C "$1" -c . | docker import -c "ENV PATH=/usr/bin:/bin" -c \'CMD ["caddy", "run"]\' - "$2"'
    await run('/bin/sh', ['-c', script, 'sh', root, reference], { env })
    await run('docker', ['push', '--quiet', reference], { env })
    return reference
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
}
