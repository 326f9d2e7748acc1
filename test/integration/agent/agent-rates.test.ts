// The agent's rates and temperatures under dash, busybox ash and bash, against what this machine's own
// counters say. Between two paced samples the test sends a known amount over a veth pair of its own and
// writes a known amount to the disk with O_DIRECT, so the rates must account for at least that much and at
// most what /sys counted. Temperatures are compared with this machine's thermal zones and hwmon sensors;
// a machine without sensors (a VM) proves nothing there, so the agent also reads a staged /sys/class in a
// private mount namespace, with the names, labels and units real drivers use.

import { execFile, execFileSync, spawn } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AgentMetricsDto } from '../../../shared/contract/index.js'
import { useHomeServer } from '../../homeserver/helpers.js'
import { agentScript as script, agentShells, jsonLines } from './agent-shells.js'

useHomeServer()
const run = promisify(execFile)

// A veth pair unique to this file; the peer has no address, so what is sent is counted and then dropped.
const sender = `hpra${process.pid % 100_000}`
const receiver = `hprb${process.pid % 100_000}`
const subnet = `198.18.${process.pid % 250}`
const ip = (...args: string[]) => execFileSync('ip', args)
const counter = (iface: string, name: 'rx_bytes' | 'tx_bytes') => Number(readFileSync(`/sys/class/net/${iface}/statistics/${name}`, 'utf8'))
/** Sectors written, from the disk's own stat file (field 7, in 512-byte units). */
const sectorsWritten = (disk: string) => Number(readFileSync(`/sys/block/${disk}/stat`, 'utf8').trim().split(/\s+/)[6])
// /var/tmp, not /tmp: it is on a disk even where /tmp is a tmpfs (Debian 13), and O_DIRECT needs a disk.
const work = mkdtempSync('/var/tmp/hp-agent-rates-')

/** The whole disk holding the test's scratch folder, where the O_DIRECT writes land (a partition's parent). */
function diskOf(dir: string): string {
  const dev = statSync(dir).dev
  const major = ((dev >> 8) & 0xfff) | (Math.floor(dev / 2 ** 32) & ~0xfff)
  const minor = (dev & 0xff) | ((dev >> 12) & 0xfff00)
  if (!existsSync(`/sys/dev/block/${major}:${minor}`)) throw new Error(`${dir} is not on a block device (device ${major}:${minor}); the disk I/O check needs one`)
  const node = realpathSync(`/sys/dev/block/${major}:${minor}`)
  return existsSync(`${node}/partition`) ? path.basename(path.dirname(node)) : path.basename(node)
}
const scratchDisk = diskOf(work)

beforeAll(() => {
  execFileSync('sh', ['-c', `ip link del ${sender} 2>/dev/null; exit 0`])
  ip('link', 'add', sender, 'type', 'veth', 'peer', 'name', receiver)
  ip('addr', 'add', `${subnet}.1/30`, 'dev', sender)
  ip('link', 'set', sender, 'up')
  ip('link', 'set', receiver, 'up')
  // A fixed neighbour: datagrams to .2 leave through the pair without an ARP answer.
  ip('neigh', 'replace', `${subnet}.2`, 'lladdr', readFileSync(`/sys/class/net/${receiver}/address`, 'utf8').trim(), 'dev', sender, 'nud', 'permanent')
})
afterAll(() => {
  execFileSync('sh', ['-c', `ip link del ${sender} 2>/dev/null; exit 0`])
  rmSync(work, { recursive: true, force: true })
})

async function sendDatagrams(count: number, size: number): Promise<number> {
  const socket = createSocket('udp4')
  const payload = Buffer.alloc(size, 0x68)
  for (let i = 0; i < count; i++) await new Promise<void>((resolve, reject) => socket.send(payload, 9, `${subnet}.2`, (err) => (err ? reject(err) : resolve())))
  socket.close()
  return count * size
}

function machineSensors(): { sensor: string; milliCelsius: number }[] {
  const read = (f: string) => readFileSync(f, 'utf8').trim()
  const out: { sensor: string; milliCelsius: number }[] = []
  const thermal = '/sys/class/thermal'
  for (const zone of existsSync(thermal) ? readdirSync(thermal).filter((z) => z.startsWith('thermal_zone')) : []) {
    out.push({ sensor: read(`${thermal}/${zone}/type`), milliCelsius: Number(read(`${thermal}/${zone}/temp`)) })
  }
  const hwmon = '/sys/class/hwmon'
  for (const chip of existsSync(hwmon) ? readdirSync(hwmon) : []) {
    const dir = `${hwmon}/${chip}`
    for (const input of readdirSync(dir).filter((f) => /^temp\d+_input$/.test(f))) {
      const label = existsSync(`${dir}/${input.replace('_input', '_label')}`) ? read(`${dir}/${input.replace('_input', '_label')}`) : input.replace('_input', '')
      out.push({ sensor: `${read(`${dir}/name`)}/${label}`, milliCelsius: Number(read(`${dir}/${input}`)) })
    }
  }
  return out
}

/** A /sys/class with two thermal zones, a cooling device and two hwmon chips, one label with JSON's own quotes. */
function stagedSysClass(): string {
  const root = path.join(work, 'class')
  const put = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true })
    writeFileSync(path.join(root, file), `${text}\n`)
  }
  put('thermal/thermal_zone0/type', 'x86_pkg_temp')
  put('thermal/thermal_zone0/temp', '45000')
  put('thermal/thermal_zone1/type', 'acpitz')
  put('thermal/thermal_zone1/temp', '-5000')
  put('thermal/cooling_device0/type', 'Processor')
  put('hwmon/hwmon0/name', 'coretemp')
  put('hwmon/hwmon0/temp1_input', '52000')
  put('hwmon/hwmon0/temp1_label', 'Package id 0')
  put('hwmon/hwmon0/temp2_input', '50000')
  put('hwmon/hwmon1/name', 'nvme')
  put('hwmon/hwmon1/temp1_input', '38850')
  put('hwmon/hwmon1/temp1_label', 'Composite "A"')
  put('hwmon/hwmon1/fan1_input', '1200')
  return root
}

describe.each(agentShells)('the agent\'s rates and temperatures under %s', (_name, shell) => {
  it('reports the temperatures of this machine\'s thermal zones and hwmon sensors', async () => {
    const { stdout } = await run(shell[0], [...shell.slice(1), script, 'metrics'], { timeout: 30_000 })
    const m = JSON.parse(stdout) as AgentMetricsDto
    // Sensor readings move between two reads: compare names, and values within a few degrees.
    const expected = machineSensors()
    expect(m.temperatures.map((t) => t.sensor)).toEqual(expected.map((t) => t.sensor))
    for (const [i, t] of m.temperatures.entries()) expect(Math.abs(t.milliCelsius - expected[i].milliCelsius)).toBeLessThan(5000)
  })

  it('reads thermal zones and hwmon chips by their names and labels', async () => {
    const staged = stagedSysClass()
    const { stdout } = await run('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', 'mount --bind "$1" /sys/class && shift && exec "$@"', 'staged', staged, shell[0], ...shell.slice(1), script, 'metrics'], { timeout: 30_000 })
    expect((JSON.parse(stdout) as AgentMetricsDto).temperatures).toEqual([
      { sensor: 'x86_pkg_temp', milliCelsius: 45000 },
      { sensor: 'acpitz', milliCelsius: -5000 },
      { sensor: 'coretemp/Package id 0', milliCelsius: 52000 },
      { sensor: 'coretemp/temp2', milliCelsius: 50000 },
      { sensor: 'nvme/Composite "A"', milliCelsius: 38850 },
    ])
  })

  it('gives network rates per interface and disk I/O rates that account for what was sent and written', async () => {
    const child = spawn(shell[0], [...shell.slice(1), script, 'watch', '5', 'paced'], { stdio: ['pipe', 'pipe', 'inherit'] })
    const lines = jsonLines<AgentMetricsDto>(child.stdout)
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    // The first line proves the agent holds a sample taken before anything below happened, and after this.
    const start = { rx: counter(receiver, 'rx_bytes'), sectors: sectorsWritten(scratchDisk) }
    child.stdin.write('\n')
    await expect.poll(() => lines.length, { timeout: 30_000 }).toBe(1)
    const before = { tx: counter(sender, 'tx_bytes'), rx: counter(receiver, 'rx_bytes'), sectors: sectorsWritten(scratchDisk) }
    const sent = await sendDatagrams(200, 1000)
    const file = path.join(work, `direct-${shell[0].split('/').at(-1)}`)
    const written = 8 * 1024 * 1024
    execFileSync('dd', ['if=/dev/zero', `of=${file}`, 'bs=1M', 'count=8', 'oflag=direct', 'conv=fsync', 'status=none'])
    rmSync(file)
    child.stdin.write('\n')
    await expect.poll(() => lines.length, { timeout: 30_000 }).toBe(2)
    const after = { tx: counter(sender, 'tx_bytes'), rx: counter(receiver, 'rx_bytes'), sectors: sectorsWritten(scratchDisk) }
    child.stdin.end()
    expect(await exited).toBe(0)

    const [first, second] = lines
    const seconds = second.intervalMs / 1000
    expect(second.intervalMs).toBeGreaterThan(0)
    const out = second.network.find((n) => n.interface === sender)!
    const into = second.network.find((n) => n.interface === receiver)!
    const firstOut = first.network.find((n) => n.interface === sender)!
    // Counters: the agent read them between the test's two reads.
    expect(out.txBytes).toBeGreaterThanOrEqual(before.tx + sent)
    expect(out.txBytes).toBeLessThanOrEqual(after.tx)
    // Rates: the counters' change over the interval, rounded to whole bytes a second.
    expect(Math.abs(out.txBytesPerSec - ((out.txBytes - firstOut.txBytes) / seconds))).toBeLessThanOrEqual(1)
    expect(out.txBytesPerSec * seconds).toBeGreaterThanOrEqual(sent)
    expect(into.rxBytesPerSec * seconds).toBeGreaterThanOrEqual(sent)
    expect(into.rxBytesPerSec * seconds).toBeLessThanOrEqual(after.rx - start.rx + seconds)

    const disk = second.diskIo.find((d) => d.device === scratchDisk)!
    expect(disk.writeBytesPerSec * seconds).toBeGreaterThanOrEqual(written * 0.999)
    // No more than the disk counted from before the first sample was asked for to after the second.
    expect(disk.writeBytesPerSec * seconds).toBeLessThanOrEqual((after.sectors - start.sectors) * 512 + seconds)
  })
})
