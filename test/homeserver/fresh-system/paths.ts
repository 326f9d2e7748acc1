// Fixed locations and address plan of the fresh Debian machines booted for provisioning tests.
// Nothing here lives under the test home server's directories: its teardown deletes those wholesale.

/** Cached debootstrap images, one directory per image key (see image.ts). Survives reboots on purpose. */
export const IMAGE_CACHE_DIR = '/var/cache/homeport-test/fresh-debian'

/** One directory per booted machine: state.json, console.log and the machine's own copy of the image. */
export const INSTANCES_DIR = '/var/tmp/homeport-fresh-debian'

/** Held with flock(1) while a machine is allocated or a dead run's machine is cleaned up. */
export const INSTANCES_LOCK = '/run/homeport-fresh-debian.lock'

/**
 * Every machine is named `hpfresh<slot>`: its network namespace, host-side veth, nspawn machine name and
 * cgroup all carry that name, and its iptables rules carry the comment `homeport-fresh:<name>`, so the
 * leftovers of a crashed run can be found by name alone.
 */
export const NAME_PREFIX = 'hpfresh'
export const RULE_COMMENT_PREFIX = 'homeport-fresh:'
export const MAX_SLOTS = 64

/**
 * Slot s uses 10.213.(128+s).0/30: host side .1, machine .2. The test home server's engine owns
 * 10.213.0.0/24 (bridge hptest0) and 10.214.0.0/16 (its networks), so the upper half of 10.213/16 is free.
 */
export function subnetOf(slot: number): { cidr: string; hostAddress: string; guestAddress: string } {
  const prefix = `10.213.${128 + slot}`
  return { cidr: `${prefix}.0/30`, hostAddress: `${prefix}.1`, guestAddress: `${prefix}.2` }
}

export function nameOf(slot: number): string {
  return `${NAME_PREFIX}${slot}`
}

export function slotOf(name: string): number | undefined {
  const match = new RegExp(`^${NAME_PREFIX}(\\d+)$`).exec(name)
  return match ? Number(match[1]) : undefined
}
