import { closeSync, mkdirSync, openSync } from 'node:fs'
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { dockerCli } from './engine.js'
import { REGISTRY_DIR } from './paths.js'
import { freePort, isAlive, run, spawnDaemon, stopPid, waitUntil } from './process.js'

/** Bump when the seeded images change, so a registry shared with runs already up gets re-seeded. */
export const IMAGE_SEED_VERSION = 3

export interface RegistryState {
  pid: number
  seedVersion?: number
  /** host:port, e.g. 127.0.0.1:41234 */
  address: string
  images: string[]
}

/** Debian's docker-registry (distribution 2.8) on loopback; 127.0.0.0/8 registries are insecure-allowed by dockerd. */
export async function startRegistry(): Promise<RegistryState> {
  await rm(REGISTRY_DIR, { recursive: true, force: true })
  mkdirSync(join(REGISTRY_DIR, 'storage'), { recursive: true })
  const port = await freePort()
  const address = `127.0.0.1:${port}`
  const configPath = join(REGISTRY_DIR, 'config.yml')
  await writeFile(
    configPath,
    [
      'version: 0.1',
      'log:',
      '  level: error',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(REGISTRY_DIR, 'storage')}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: ${address}`,
      // A fixed secret silences the "no HTTP secret" warning; uploads never cross instances here.
      '  secret: homeport-test-registry',
      '',
    ].join('\n'),
  )
  const logFd = openSync(join(REGISTRY_DIR, 'registry.log'), 'a')
  let pid: number
  try {
    pid = spawnDaemon('docker-registry', ['serve', configPath], { logFd })
  } finally {
    closeSync(logFd)
  }
  const ready = await waitUntil(async () => {
    if (!isAlive(pid)) return true
    const response = await fetch(`http://${address}/v2/`)
    return response.status === 200
  }, 20_000)
  if (!ready || !isAlive(pid)) {
    const log = await readFile(join(REGISTRY_DIR, 'registry.log'), 'utf8').catch(() => '')
    await stopPid(pid)
    throw new Error(`docker-registry did not answer on ${address}: ${log.slice(-1500)}`)
  }
  return { pid, address, images: [] }
}

export async function stopRegistry(state: Pick<RegistryState, 'pid'> | undefined): Promise<void> {
  if (state) await stopPid(state.pid)
  await rm(REGISTRY_DIR, { recursive: true, force: true })
}

interface ImageSpec {
  repository: string
  tag: string
  cmd: string[]
  /** Extra files (path inside the image → content) that make each image's content, and digest, unique. */
  files: Record<string, string>
}

const IMAGE_SPECS: ImageSpec[] = [
  { repository: 'homeport/busybox', tag: '1', cmd: ['sh'], files: { 'etc/homeport-image': 'busybox 1\n' } },
  { repository: 'homeport/busybox', tag: '2', cmd: ['sh'], files: { 'etc/homeport-image': 'busybox 2\n' } },
  {
    repository: 'homeport/httpd',
    tag: '1',
    cmd: ['httpd', '-f', '-v', '-p', '80', '-h', '/www'],
    files: { 'etc/homeport-image': 'httpd 1\n', 'www/index.html': '<!doctype html><title>homeport test app</title><h1>homeport test app</h1>\n' },
  },
]

/**
 * Builds small images from busybox-static (no image can be pulled from the internet here), pushes them
 * to the registry and keeps them in the engine. Returns the full references.
 */
export async function seedImages(dockerHost: string, registry: string): Promise<string[]> {
  const rootfs = await mkdtemp(join(tmpdir(), 'homeport-test-rootfs-'))
  try {
    await buildBusyboxRootfs(rootfs)
    const references: string[] = []
    for (const spec of IMAGE_SPECS) {
      for (const [path, content] of Object.entries(spec.files)) {
        mkdirSync(join(rootfs, path, '..'), { recursive: true })
        await writeFile(join(rootfs, path), content)
      }
      const reference = `${registry}/${spec.repository}:${spec.tag}`
      await importDirectory(dockerHost, rootfs, reference, spec.cmd)
      await dockerCli(dockerHost, ['push', '--quiet', reference])
      references.push(reference)
      for (const path of Object.keys(spec.files)) await rm(join(rootfs, path), { force: true })
    }
    return references
  } finally {
    await rm(rootfs, { recursive: true, force: true })
  }
}

async function buildBusyboxRootfs(rootfs: string): Promise<void> {
  for (const dir of ['bin', 'etc', 'tmp', 'root', 'www', 'data']) mkdirSync(join(rootfs, dir), { recursive: true })
  await run('cp', ['/bin/busybox', join(rootfs, 'bin', 'busybox')])
  // Relative links: `busybox --install -s` would point them at this machine's path (/usr/bin/busybox on
  // merged-/usr systems), which does not exist inside the image.
  const applets = (await run('/bin/busybox', ['--list'])).stdout.split('\n').filter((name) => /^[\w.[-]+$/.test(name) && name !== 'busybox')
  await Promise.all(applets.map((applet) => symlink('busybox', join(rootfs, 'bin', applet))))
  await writeFile(join(rootfs, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n')
  await writeFile(join(rootfs, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\n')
  await run('chmod', ['1777', join(rootfs, 'tmp')])
}

async function importDirectory(dockerHost: string, rootfs: string, reference: string, cmd: string[]): Promise<void> {
  // An imported image has no config: without ENV PATH, `docker run IMAGE sleep 1` finds no `sleep`.
  const script = 'tar -C "$1" -c . | docker import -c "ENV PATH=/bin" -c "$2" - "$3"'
  await run('/bin/sh', ['-c', script, 'sh', rootfs, `CMD ${JSON.stringify(cmd)}`, reference], {
    env: { ...process.env, DOCKER_HOST: dockerHost },
  })
}
