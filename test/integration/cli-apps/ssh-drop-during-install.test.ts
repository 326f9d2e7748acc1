// Cutting the SSH connection while an install runs: the install either finishes after the reconnect or
// rolls back, and no container or network of the project is left half-made.

import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { docker, killSshConnections, useHomeServer } from '../../homeserver/helpers.js'
import type { CliSandbox } from '../cli/run-cli.js'
import { appFolder, appsSandbox, inspect, projectLeftovers, SERVER, startCli } from './cli-apps-helpers.js'

const hs = useHomeServer()
const APP = 'hp-cli-sshdrop'

describe('homeport apps install when the SSH connection drops', () => {
  let cli: CliSandbox
  const image = () => `${hs.registry}/homeport/cli-drop:1`

  beforeAll(async () => {
    // A layer of its own, so the install has a real download to be in the middle of.
    await docker(['rm', '-f', 'hp-cli-drop-src', `${APP}-a-1`, `${APP}-b-1`]).catch(() => '')
    await docker(['run', '--name', 'hp-cli-drop-src', `${hs.registry}/homeport/busybox:1`, 'sh', '-c', 'head -c 8388608 /dev/urandom > /payload'])
    await docker(['commit', '--change', 'CMD ["sleep", "3600"]', 'hp-cli-drop-src', image()])
    await docker(['rm', 'hp-cli-drop-src'])
    await docker(['push', '--quiet', image()])
    await docker(['rmi', image()])
    cli = await appsSandbox(hs)
  })

  afterAll(async () => {
    await cli?.run(['apps', 'remove', SERVER, APP, '--volumes', '--yes'])
    cli?.dispose()
  })

  it('finishes after the reconnect or rolls back, leaving no orphans', { timeout: 90_000 }, async () => {
    const file = path.join(cli.home, 'compose.yml')
    fs.writeFileSync(
      file,
      `services:\n  a:\n    image: docker.io/homeport/cli-drop:1\n    stop_grace_period: 1s\n  b:\n    image: docker.io/homeport/busybox:1\n    command: ["sleep", "3600"]\n    depends_on: [a]\n    stop_grace_period: 1s\n`,
    )
    const install = startCli(cli, ['apps', 'install', SERVER, '--file', file, '--name', APP, '--json'])
    // Cut while the image is being downloaded (the first progress bar), or creating if the pull was quicker.
    await install.waitForLine(/"items":\[\{|"step":"Create/).catch((err: unknown) => {
      install.child.kill('SIGKILL')
      throw err
    })
    await killSshConnections()
    let timer: NodeJS.Timeout | undefined
    const code = await Promise.race([
      install.exited,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          install.child.kill('SIGKILL')
          reject(new Error(`the install neither finished nor rolled back within 45 s of the SSH connection being cut; last update:\n${install.stdout().trim().split('\n').at(-1)}`))
        }, 45_000)
      }),
    ]).finally(() => clearTimeout(timer))
    const lines = install.stdout().trim().split('\n').map((l) => JSON.parse(l) as { status?: string; state?: string })
    const left = await projectLeftovers(APP)
    if (code === 0) {
      expect(lines.at(-1)).toMatchObject({ status: 'installed', app: APP })
      expect(await inspect('{{.State.Status}}', `${APP}-a-1`, `${APP}-b-1`)).toBe('running\nrunning')
      expect(left.networks).toEqual([`${APP}_default`])
    } else {
      expect(code).toBe(1)
      expect(install.stderr()).toMatch(/^error [A-Z_]+: /m)
      expect(lines.at(-1)?.state).toMatch(/failed|cancelled/)
      expect(left.containers).toEqual([])
      expect(left.networks).toEqual([])
      expect(fs.existsSync(`${appFolder(hs, APP)}/compose.yml`)).toBe(false)
    }
  })
})
