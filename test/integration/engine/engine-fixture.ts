// Things of the engine's own that the engine tests make on the test server, each named with the file's prefix
// so parallel files never touch them: an image with a unique 3 MB layer (committed from a container), a volume
// holding 2 MB, a network, and a plain container (not an app) that keeps running.

import { docker as dockerRaw } from '../../homeserver/helpers.js'
import type { HomeServerInfo } from '../../homeserver/types.js'

export const docker = async (args: string[]) => (await dockerRaw(args)).trim()

export interface EngineThings {
  image: string
  volume: string
  network: string
  /** A container running sleep, from busybox, outside any app. */
  container: string
}

export async function makeEngineThings(hs: HomeServerInfo, prefix: string): Promise<EngineThings> {
  const things = { image: `${prefix}-img:1`, volume: `${prefix}-vol`, network: `${prefix}-net`, container: `${prefix}-ctr` }
  const base = hs.images[0]
  await docker(['run', '--name', `${prefix}-src`, '--network', 'none', base, 'sh', '-c', 'head -c 3000000 /dev/urandom > /blob'])
  await docker(['commit', `${prefix}-src`, things.image])
  await docker(['rm', `${prefix}-src`])
  await docker(['volume', 'create', things.volume])
  await docker(['run', '--rm', '--network', 'none', '-v', `${things.volume}:/data`, base, 'sh', '-c', 'head -c 2000000 /dev/urandom > /data/blob'])
  await docker(['network', 'create', things.network])
  await docker(['run', '-d', '--name', things.container, '--network', 'none', base, 'sh', '-c', 'echo started-$HOSTNAME; trap "exit 0" TERM; while true; do sleep 1; done'])
  return things
}

export async function removeEngineThings(prefix: string, things?: EngineThings): Promise<void> {
  const names = (await docker(['ps', '-a', '--format', '{{.Names}}'])).split('\n').filter((n) => n.startsWith(prefix))
  if (names.length) await docker(['rm', '-f', ...names]).catch(() => '')
  if (!things) return
  await docker(['rmi', things.image]).catch(() => '')
  await docker(['volume', 'rm', '-f', things.volume]).catch(() => '')
  await docker(['network', 'rm', things.network]).catch(() => '')
}

/** Whether the engine still has it (straight from the engine, not through Homeport). */
export async function exists(kind: 'image' | 'volume' | 'network' | 'container', ref: string): Promise<boolean> {
  return docker([kind, 'inspect', ref]).then(() => true, () => false)
}
