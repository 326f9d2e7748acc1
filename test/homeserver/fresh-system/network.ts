// Each machine gets a network namespace of its own, joined to the host by a veth pair, with NAT to the
// outside as Docker's own bridge does. Its own namespace matters: the Docker engine the provisioning wizard
// installs there sets up its bridge and iptables rules inside it, never beside the test engine's.

import { writeFile } from 'node:fs/promises'
import { run } from '../process.js'
import { NAME_PREFIX, RULE_COMMENT_PREFIX, subnetOf } from './paths.js'

/** Inside the namespace the link is the machine's only NIC, named as on a plain Debian box. */
const GUEST_LINK = 'eth0'

const ip = (args: string[]) => run('ip', args)
// -w: Docker engines on this machine change iptables too; wait for the xtables lock instead of failing.
const iptables = (args: string[], allowFailure = false) => run('iptables', ['-w', ...args], { allowFailure })

export function netnsPath(name: string): string {
  return `/run/netns/${name}`
}

function ruleComment(name: string): string[] {
  return ['-m', 'comment', '--comment', `${RULE_COMMENT_PREFIX}${name}`]
}

export async function setUpNetwork(name: string, slot: number): Promise<void> {
  const { cidr, hostAddress, guestAddress } = subnetOf(slot)
  await ip(['netns', 'add', name])
  // The peer is created straight inside the namespace: nspawn joins the namespace as it is and moves no link.
  await ip(['link', 'add', name, 'type', 'veth', 'peer', 'name', GUEST_LINK, 'netns', name])
  await ip(['addr', 'add', `${hostAddress}/30`, 'dev', name])
  await ip(['link', 'set', name, 'up'])
  await ip(['-n', name, 'link', 'set', 'lo', 'up'])
  await ip(['-n', name, 'addr', 'add', `${guestAddress}/30`, 'dev', GUEST_LINK])
  await ip(['-n', name, 'link', 'set', GUEST_LINK, 'up'])
  await ip(['-n', name, 'route', 'add', 'default', 'via', hostAddress])
  // A new namespace copies the host's forwarding setting (1 wherever a Docker engine runs). A fresh box
  // starts with 0 and its Docker has to turn it on: keep that part of the install real.
  await run('ip', ['netns', 'exec', name, 'sh', '-c', 'echo 0 > /proc/sys/net/ipv4/ip_forward'])

  await writeFile('/proc/sys/net/ipv4/ip_forward', '1\n')
  await iptables(['-t', 'nat', '-A', 'POSTROUTING', '-s', cidr, '!', '-o', name, ...ruleComment(name), '-j', 'MASQUERADE'])
  // Docker sets FORWARD's policy to DROP; inserted first, these rules are decided before Docker's chains.
  // Inbound only for replies: nothing outside the host may open connections to the machine.
  await iptables(['-I', 'FORWARD', '1', '-i', name, ...ruleComment(name), '-j', 'ACCEPT'])
  await iptables(['-I', 'FORWARD', '1', '-o', name, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', ...ruleComment(name), '-j', 'ACCEPT'])
}

/** Removes the namespace, the veth and the machine's iptables rules; whatever of them exists. */
export async function tearDownNetwork(name: string): Promise<void> {
  await run('ip', ['netns', 'delete', name], { allowFailure: true })
  // The kernel destroys a namespace (and the veth end inside it) asynchronously: delete our end now.
  await run('ip', ['link', 'delete', name], { allowFailure: true })
  const tag = `${RULE_COMMENT_PREFIX}${name}`
  for (const table of ['filter', 'nat']) {
    const listed = await iptables(['-t', table, '-S'], true)
    for (const rule of listed.stdout.split('\n')) {
      // -S quotes the comment ("homeport-fresh:hpfresh0"); -D wants it bare, as any other word.
      const words = rule.split(' ').map((word) => word.replace(/^"(.*)"$/, '$1'))
      if (words[0] === '-A' && words.includes(tag)) await iptables(['-t', table, '-D', ...words.slice(1)], true)
    }
  }
}

/** Names of machines that still have a namespace, a host-side veth or an iptables rule on this host. */
export async function networkNamesInUse(): Promise<Set<string>> {
  const names = new Set<string>()
  const pattern = new RegExp(`^${NAME_PREFIX}\\d+$`)
  const netns = await run('ip', ['netns', 'list'], { allowFailure: true })
  for (const line of netns.stdout.split('\n')) {
    const name = line.split(' ')[0] ?? ''
    if (pattern.test(name)) names.add(name)
  }
  const links = await run('ip', ['-o', 'link', 'show'], { allowFailure: true })
  for (const line of links.stdout.split('\n')) {
    const name = (line.split(': ')[1] ?? '').split('@')[0] ?? ''
    if (pattern.test(name)) names.add(name)
  }
  for (const table of ['filter', 'nat']) {
    const listed = await iptables(['-t', table, '-S'], true)
    for (const match of listed.stdout.matchAll(new RegExp(`${RULE_COMMENT_PREFIX}(${NAME_PREFIX}\\d+)`, 'g'))) names.add(match[1]!)
  }
  return names
}

/** Whether an address of the machine's /30 is already routed on this host by something else. */
export async function subnetTaken(slot: number): Promise<boolean> {
  const { cidr } = subnetOf(slot)
  const routes = await run('ip', ['-4', 'route', 'show', 'match', cidr.replace('.0/30', '.1')], { allowFailure: true })
  // `match` lists every route covering the address; only the default route is expected to.
  return routes.stdout.split('\n').some((line) => line.trim() !== '' && !line.startsWith('default'))
}
