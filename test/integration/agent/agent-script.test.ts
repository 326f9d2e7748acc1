// The agent script itself, run under dash, busybox ash and bash on this machine, checked against this machine's
// own facts: os-release, /proc, statfs of /, the network interfaces. A bind mount with a hostile name
// proves mount names come out as valid JSON strings.

import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, statfsSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AgentHelloDto, AgentMetricsDto } from '../../../shared/contract/index.js'
import { useHomeServer } from '../../homeserver/helpers.js'
import { agentScript as script, agentShells as shells, jsonLines } from './agent-shells.js'

const hs = useHomeServer()
const run = promisify(execFile)

function osRelease(): Record<string, string> {
  const text = readFileSync('/etc/os-release', 'utf8')
  return Object.fromEntries(text.split('\n').filter((l) => l.includes('=')).map((l) => {
    const [k, ...v] = l.split('=')
    return [k, v.join('=').replace(/^"|"$/g, '')]
  }))
}

function meminfoBytes(key: string): number {
  const line = readFileSync('/proc/meminfo', 'utf8').split('\n').find((l) => l.startsWith(`${key}:`))!
  return Number(/(\d+)/.exec(line)![1]) * 1024
}

const hostile = path.join(os.tmpdir(), `hp agent "mount" \\ $(touch x); ${process.pid}`)

describe.each(shells)('the agent under %s', (_name, shell) => {
  const agent = async (...args: string[]) => {
    const { stdout } = await run(shell[0], [...shell.slice(1), script, ...args], { timeout: 30_000 })
    return stdout
  }

  beforeAll(() => {
    mkdirSync(hostile, { recursive: true })
    // Same device as /, so it counts as a real file system and its target must be escaped in JSON.
    execFileSync('mount', ['--bind', os.tmpdir(), hostile])
  })
  afterAll(() => {
    execFileSync('umount', [hostile])
    rmSync(hostile, { recursive: true, force: true })
  })

  it('answers the handshake with its version and protocol', async () => {
    const text = readFileSync(script, 'utf8')
    const answer = JSON.parse(await agent('version')) as { agent: string; protocol: number }
    expect(answer.agent).toBe(/^AGENT_VERSION=(.+)$/m.exec(text)![1])
    expect(answer.protocol).toBe(Number(/^PROTOCOL=(.+)$/m.exec(text)![1]))
  })

  it('says hello with the facts this machine has', async () => {
    const hello = JSON.parse(await agent('hello')) as AgentHelloDto
    const release = osRelease()
    expect(hello.os).toEqual({ id: release.ID, versionId: release.VERSION_ID ?? '', prettyName: release.PRETTY_NAME, idLike: release.ID_LIKE ?? '' })
    expect(hello.kernel).toBe(os.release())
    expect(hello.arch).toBe(execFileSync('uname', ['-m'], { encoding: 'utf8' }).trim())
    expect(hello.hostname).toBe(os.hostname())
    expect(hello.cpus).toBe(os.cpus().length)
    expect(hello.memoryBytes).toBe(meminfoBytes('MemTotal'))
    expect(hello.swapBytes).toBe(meminfoBytes('SwapTotal'))
    expect(hello.user).toEqual({ name: os.userInfo().username, uid: os.userInfo().uid })
    expect(hello.packageManager).toBe('apt-get')
    expect(Math.abs(hello.uptimeSeconds - os.uptime())).toBeLessThan(5)
    const root = readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')).find((f) => f[1] === '/')!
    expect(hello.mounts).toContainEqual({ source: root[0], target: '/', fstype: root[2] })
    expect(hello.mounts.map((m) => m.target)).toContain(hostile)
    expect(hello.mounts.every((m) => !['proc', 'sysfs', 'cgroup', 'tmpfs', 'devpts'].includes(m.fstype))).toBe(true)
    expect(hello.docker.installed).toBe(true)
  })

  it('reports Docker, sudo and the init system as this machine has them', async () => {
    // As the server's users log in: DOCKER_HOST names the engine's socket.
    const { stdout } = await run(shell[0], [...shell.slice(1), script, 'hello'], { timeout: 30_000, env: { ...process.env, DOCKER_HOST: hs.dockerHost } })
    const hello = JSON.parse(stdout) as AgentHelloDto
    const socket = hs.dockerHost.replace(/^unix:\/\//, '')
    expect(statSync(socket).isSocket()).toBe(true)
    const group = execFileSync('getent', ['group', String(statSync(socket).gid)], { encoding: 'utf8' }).split(':')[0]
    const version = execFileSync('docker', ['-H', hs.dockerHost, 'version', '--format', '{{.Server.Version}}'], { encoding: 'utf8' }).trim()
    const has = (program: string) => spawnSync('sh', ['-c', `command -v ${program}`]).status === 0
    expect(hello.docker).toEqual({
      installed: true,
      version,
      socket,
      socketAccessible: true,
      socketGroup: group,
      inDockerGroup: execFileSync('id', ['-Gn'], { encoding: 'utf8' }).trim().split(/\s+/).includes(group),
      rootless: false,
      podman: has('podman'),
    })
    expect(hello.sudo).toEqual({ present: has('sudo'), passwordless: spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0 })
    const init = readFileSync('/proc/1/comm', 'utf8').trim()
    expect(hello.init).toBe(init === 'systemd' ? 'systemd' : existsSync('/run/openrc') ? 'openrc' : 'other')
  })

  it('measures metrics that match /proc and statfs', async () => {
    const m = JSON.parse(await agent('metrics')) as AgentMetricsDto
    expect(m.intervalMs).toBeGreaterThanOrEqual(900)
    expect(m.cpu.perCore).toHaveLength(os.cpus().length)
    for (const pct of [m.cpu.percent, ...m.cpu.perCore]) {
      expect(pct).toBeGreaterThanOrEqual(0)
      expect(pct).toBeLessThanOrEqual(100)
    }
    expect(m.memory.totalBytes).toBe(meminfoBytes('MemTotal'))
    expect(m.swap.totalBytes).toBe(meminfoBytes('SwapTotal'))
    expect(m.load).toHaveLength(3)
    const fs = statfsSync('/')
    const rootDisk = m.disks.find((d) => d.mount === '/')!
    expect(rootDisk.totalBytes).toBe(fs.blocks * fs.bsize)
    // A bind mount of the same device is reported once.
    expect(m.disks.filter((d) => d.source === rootDisk.source)).toHaveLength(1)
    const interfaces = Object.keys(os.networkInterfaces()).filter((n) => n !== 'lo')
    for (const name of interfaces) expect(m.network.map((n) => n.interface)).toContain(name)
    expect(m.network.map((n) => n.interface)).not.toContain('lo')
    expect(m.diskIo.every((d) => !/^(loop|ram|zram)/.test(d.device))).toBe(true)
    expect(Math.abs(m.time - Date.now() / 1000)).toBeLessThan(10)
  })

  it('streams a line per interval and ends when its input closes', async () => {
    const child = spawn(shell[0], [...shell.slice(1), script, 'watch', '1'], { stdio: ['pipe', 'pipe', 'inherit'] })
    const lines = jsonLines<AgentMetricsDto>(child.stdout)
    await expect.poll(() => lines.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(2)
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    child.stdin.end()
    expect(await exited).toBe(0)
    expect(lines[1].time).toBeGreaterThan(lines[0].time - 1)
  })

  it('leaves nothing running once its input closes mid-wait', async () => {
    // Its own process group: whatever it forks (sleep, the stdin watcher) keeps that group even when orphaned.
    const child = spawn(shell[0], [...shell.slice(1), script, 'watch', '60'], { stdio: ['pipe', 'pipe', 'inherit'], detached: true })
    const inGroup = () => execFileSync('ps', ['-eo', 'pgid=,args='], { encoding: 'utf8' }).split('\n').filter((l) => l.trim().split(/\s+/)[0] === String(child.pid))
        // A zombie has ended already; only this machine's init, which may reap late, still lists it.
        .filter((l) => !l.includes('<defunct>'))
    // The first line comes after one interval: wait until the agent is in that wait instead.
    await expect.poll(() => inGroup().some((l) => l.endsWith('sleep 60')), { timeout: 15_000, interval: 100 }).toBe(true)
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    child.stdin.end()
    expect(await exited).toBe(0)
    // A leaked sleep would live a minute; a busy machine may take seconds to let a killed one go.
    await expect.poll(inGroup, { timeout: 15_000, interval: 200 }).toEqual([])
  })

  it('samples once per line the caller writes in paced mode, and ends at the end of its input', async () => {
    const child = spawn(shell[0], [...shell.slice(1), script, 'watch', '5', 'paced'], { stdio: ['pipe', 'pipe', 'inherit'] })
    const lines = jsonLines<AgentMetricsDto>(child.stdout)
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    for (let i = 0; i < 3; i++) {
      child.stdin.write('\n')
      await expect.poll(() => lines.length).toBe(i + 1)
    }
    child.stdin.end()
    expect(await exited).toBe(0)
    expect(lines).toHaveLength(3)
    expect(lines[2].cpu.perCore).toHaveLength(os.cpus().length)
  })

  it('refuses a bad interval and an unknown verb with a JSON error and exit code 2', async () => {
    for (const args of [['watch', '0'], ['watch', '1; reboot'], ['watch', ''], ['watch', '5', 'fast'], ['nonsense']]) {
      const err = await agent(...args).then(() => undefined, (e: { code: number; stdout: string }) => e)
      expect(err?.code).toBe(2)
      expect(JSON.parse(err!.stdout)).toHaveProperty('error')
    }
  })
})
