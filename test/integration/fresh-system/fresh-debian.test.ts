// Proves the fresh Debian machine that provisioning tests start from is what a new user hands over: a
// Debian 12 box with nothing of Docker, reachable with an address, a user and a password, whose sudo wants
// that password, and whose network reaches Debian's mirror — far enough that Debian's docker.io installs
// there for real and its engine runs a container. Prints how long each phase took, for CI planning.

import { existsSync, readFileSync } from 'node:fs'
import { Client } from 'ssh2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hostMirrors } from '../../homeserver/fresh-system/apt-sources.js'
import { startFreshDebian, type FreshDebian } from '../../homeserver/fresh-system/fresh-debian.js'
import { freshDebianSkipReason } from '../../homeserver/fresh-system/fresh-debian-reason.js'
import { execOnClient } from '../../homeserver/helpers.js'
import { run, waitUntil } from '../../homeserver/process.js'

const log = (line: string): void => void process.stderr.write(`[fresh-debian] ${line}\n`)
const reason = await freshDebianSkipReason(log)

interface ExecResult {
  code: number
  stdout: string
  stderr: string
}

/** Logs in with the password only, accepting exactly `expectedHostKey` (`ssh-ed25519 AAAA…`). */
function login(machine: FreshDebian, expectedHostKey: string, password = machine.password): Promise<Client> {
  const expectedBlob = Buffer.from(expectedHostKey.split(' ')[1] ?? '', 'base64')
  return new Promise((resolve, reject) => {
    const client = new Client()
    client.once('ready', () => resolve(client))
    client.once('error', reject)
    client.connect({
      host: machine.host,
      port: machine.port,
      username: machine.user,
      password,
      tryKeyboard: false,
      readyTimeout: 20_000,
      algorithms: { serverHostKey: ['ssh-ed25519'] },
      hostVerifier: (key: Buffer) => key.equals(expectedBlob),
    })
  })
}

/** Every command here gets an input, even an empty one, so none waits on it. */
const exec = (client: Client, command: string, stdin?: string): Promise<ExecResult> => execOnClient(client, command, stdin ?? '')

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`

describe.skipIf(reason !== undefined)('a fresh Debian 12 machine', () => {
  let machine: FreshDebian
  let client: Client | undefined
  const phases: Array<[string, number]> = []
  const timed = async <T>(phase: string, step: () => Promise<T>): Promise<T> => {
    const startedAt = Date.now()
    try {
      return await step()
    } finally {
      phases.push([phase, Date.now() - startedAt])
    }
  }
  /** The client logged in by the host key test, or a new login when that test did not get that far. */
  const loggedIn = async (): Promise<Client> => (client ??= await login(machine, machine.hostKey))

  beforeAll(async () => {
    machine = await startFreshDebian({ log })
    const { imageBuilt, imageMs, copyMs, bootMs } = machine.timings
    phases.push([imageBuilt ? 'debootstrap (cold image)' : 'cached image check', imageMs], ['copy + prepare', copyMs], ['boot to sshd', bootMs])
    log(`${machine.name} up at ${machine.host}: ${phases.map(([phase, ms]) => `${phase} ${seconds(ms)}`).join(', ')}`)
  }, 900_000)

  afterAll(async () => {
    client?.end()
    if (machine) await timed('stop and clean up', () => machine.stop())
    if (phases.length > 0) log(`phases: ${phases.map(([phase, ms]) => `${phase} ${seconds(ms)}`).join(' | ')}`)
  }, 120_000)

  it('is Debian 12 with its own hostname, forwarding off and nothing of Docker', async () => {
    const osRelease = await machine.rootExec(['cat', '/etc/os-release'])
    expect(osRelease.stdout).toContain('VERSION_ID="12"')
    expect((await machine.rootExec(['hostname'])).stdout.trim()).toBe(machine.hostname)
    expect((await machine.rootExec(['systemctl', 'is-system-running', '--wait'], { timeoutMs: 60_000 })).stdout.trim()).toMatch(/^(running|degraded)$/)
    expect((await machine.rootExec(['dpkg-query', '-W', 'docker.io'])).code).not.toBe(0)
    expect((await machine.rootExec(['sh', '-c', 'command -v docker dockerd containerd'])).stdout).toBe('')
    expect((await machine.rootExec(['getent', 'group', 'docker'])).code).not.toBe(0)
    expect((await machine.rootExec(['cat', '/proc/sys/net/ipv4/ip_forward'])).stdout.trim()).toBe('0')
  })

  it('presents the host key found in its /etc/ssh, and a client expecting another key is refused', async () => {
    const onDisk = (await machine.rootExec(['cat', '/etc/ssh/ssh_host_ed25519_key.pub'])).stdout.trim().split(' ').slice(0, 2).join(' ')
    expect(onDisk).toMatch(/^ssh-ed25519 AAAA/)
    expect(onDisk).toBe(machine.hostKey)
    const printed = await machine.rootExec(['ssh-keygen', '-l', '-E', 'sha256', '-f', '/etc/ssh/ssh_host_ed25519_key.pub'])
    expect(printed.stdout.split(' ')[1]).toBe(machine.hostKeyFingerprint)

    // The same key with one bit flipped: a verifier that compared nothing would let this one in.
    const blob = Buffer.from(onDisk.split(' ')[1]!, 'base64')
    blob[blob.length - 1]! ^= 1
    const otherKey = `ssh-ed25519 ${blob.toString('base64')}`
    await expect(login(machine, otherKey)).rejects.toThrow()
    client = await login(machine, onDisk)
  })

  it('takes the password over SSH, and refuses a wrong one', async () => {
    const who = await exec(await loggedIn(), 'id -un; id -Gn')
    expect(who.code).toBe(0)
    const [name, groups] = who.stdout.trim().split('\n')
    expect(name).toBe(machine.user)
    expect(groups!.split(' ')).toContain('sudo')
    expect(groups!.split(' ')).not.toContain('docker')
    await expect(login(machine, machine.hostKey, `${machine.password}-wrong`)).rejects.toThrow(/authentication/i)
  })

  it('runs sudo only with the password', async () => {
    // Negative cases first: sudo remembers a success (per terminal or parent process) for a while.
    const noPassword = await exec(await loggedIn(), 'sudo -n true')
    expect(noPassword.code).not.toBe(0)
    expect(noPassword.stderr).toMatch(/password is required/)
    const wrong = await exec(await loggedIn(), "sudo -S -p '' true", `${machine.password}-wrong\n`)
    expect(wrong.code).not.toBe(0)
    const right = await exec(await loggedIn(), "sudo -S -p '' id -u", `${machine.password}\n`)
    expect(right.stderr).toBe('')
    expect(right).toMatchObject({ code: 0, stdout: '0\n' })
  })

  it("reaches Debian's mirror from its own network namespace", async () => {
    const update = await timed('apt-get update', () => machine.rootExec(['apt-get', '-o', 'DPkg::Lock::Timeout=300', 'update'], { timeoutMs: 300_000 }))
    expect(update.stderr).not.toMatch(/^(E|W): /m)
    expect(update.code).toBe(0)
    expect(update.stdout).toMatch(/bookworm(-security)? InRelease/)
    const policy = await machine.rootExec(['apt-cache', 'policy', 'docker.io'])
    expect(policy.stdout).toMatch(/Candidate: \d/)
  }, 300_000)

  it("installs Debian's docker.io for real, and its dockerd starts and runs a container", async () => {
    const install = await timed('apt-get install docker.io', () =>
      machine.rootExec(['apt-get', '-o', 'DPkg::Lock::Timeout=300', 'install', '-y', 'docker.io'], { timeoutMs: 900_000 }),
    )
    expect(install.code, install.stderr.split('\n').slice(-10).join('\n')).toBe(0)

    const active = await timed('dockerd active', () =>
      waitUntil(async () => (await machine.rootExec(['systemctl', 'is-active', 'docker'])).stdout.trim() === 'active', 120_000, 500),
    )
    expect(active, (await machine.rootExec(['journalctl', '-u', 'docker', '--no-pager', '-n', '30'])).stdout).toBe(true)
    const info = await machine.rootExec(['docker', 'info', '--format', '{{.ServerVersion}} {{.Driver}} {{.CgroupVersion}}'])
    expect(info.code, info.stderr).toBe(0)
    log(`docker info inside: ${info.stdout.trim()}`)
    expect(info.stdout).toMatch(/^\d+\.\d+\.\d+\S* overlay2 /)
    // The machine started with forwarding off, as a fresh box does; its Docker turned it on by itself.
    expect((await machine.rootExec(['cat', '/proc/sys/net/ipv4/ip_forward'])).stdout.trim()).toBe('1')

    // The user is not in group docker yet (the wizard adds it): its docker client is refused.
    const asUser = await exec(await loggedIn(), 'docker ps')
    expect(asUser.code).not.toBe(0)
    expect(asUser.stderr).toMatch(/permission denied/i)

    // No registry is reachable here: a container is made from the host's static busybox.
    const busybox = '/bin/busybox'
    const ldd = existsSync(busybox) ? await run('ldd', [busybox], { allowFailure: true }) : undefined
    if (!ldd || !/statically linked|not a dynamic executable/.test(ldd.stdout + ldd.stderr)) {
      log('no static /bin/busybox on the host (package busybox-static): not running a container inside')
      return
    }
    const image = 'homeport/fresh-busybox:1'
    const imported = await machine.rootExec(
      ['sh', '-c', 'set -e; d=$(mktemp -d); mkdir "$d/bin"; cat > "$d/bin/busybox"; chmod 755 "$d/bin/busybox"; tar -C "$d" -c . | docker import - "$1"; rm -rf "$d"', 'sh', image],
      { input: readFileSync(busybox) },
    )
    expect(imported.code, imported.stderr).toBe(0)
    const ran = await timed('docker run inside', () => machine.rootExec(['docker', 'run', '--rm', image, '/bin/busybox', 'echo', 'hello from inside']))
    expect(ran.stderr).toBe('')
    expect(ran).toMatchObject({ code: 0, stdout: 'hello from inside\n' })

    // A container on the machine's Docker bridge gets out too: Docker's NAT inside the machine, then ours.
    // A TCP connect to the mirror, by address (a static glibc busybox cannot resolve names: no NSS
    // libraries in the image). Not an HTTP request: the mirror here sometimes answers nothing to a request
    // whose sender half-closes at once, as busybox nc does.
    const mirror = new URL((await hostMirrors()).main)
    const address = (await machine.rootExec(['getent', 'ahostsv4', mirror.hostname])).stdout.split(/\s+/)[0]
    expect(address).toMatch(/^\d+\.\d+\.\d+\.\d+$/)
    const port = mirror.port || (mirror.protocol === 'https:' ? '443' : '80')
    const connected = await machine.rootExec(['docker', 'run', '--rm', image, '/bin/busybox', 'nc', '-w', '20', address!, port], { timeoutMs: 60_000 })
    expect(connected.code, connected.stderr).toBe(0)
  }, 900_000)
})
