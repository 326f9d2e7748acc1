// The round-trip table of `npm run bench:wan`: each action as a CLI command with --verbose, which prints what
// the connection layer counted (electron/core/connection/round-trips.ts). Counts do not depend on timing, so
// a regression shows as a different number here.

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RunResult } from '../homeserver/process.js'
import { table } from './bench-stats.js'

interface Counted {
  total: number
  handshake: number
  breakdown: string
}

function parse(stderr: string): Counted {
  const match = /Round trips: (\d+)(?: \(([^)]*)\))?/.exec(stderr)
  if (!match) return { total: 0, handshake: 0, breakdown: '' }
  const breakdown = match[2] ?? ''
  const handshake = Number(/handshake (\d+)/.exec(breakdown)?.[1] ?? 0)
  return { total: Number(match[1]), handshake, breakdown }
}

export async function roundTripTable(ctx: {
  homeport: (args: string[]) => Promise<RunResult>
  server: string
  app: string
  compose: string
  dotenv: string
  home: string
}): Promise<string> {
  const { homeport, server, app } = ctx
  const verbose = async (args: string[]) => parse((await homeport([...args, '--verbose'])).stderr)
  const changedEnv = join(ctx.home, 'changed.env')
  writeFileSync(changedEnv, 'ROLE=changed\n')

  const ps = await verbose(['ps', server, '--json'])
  const rows: Array<[string, Counted]> = [
    ['connect (SSH handshake)', { total: ps.handshake, handshake: ps.handshake, breakdown: `handshake ${ps.handshake}` }],
    ['server test', await verbose(['server', 'test', server, '--json'])],
    ['ps --json', ps],
    ['install, 2 services', await verbose(['apps', 'install', server, '--file', ctx.compose, '--env-file', ctx.dotenv, '--name', app])],
    ['update (.env changed, 1 service recreated)', await verbose(['apps', 'update', server, app, '--env-file', changedEnv])],
    ['app page (apps list)', await verbose(['apps', 'list', server, '--json'])],
    ['store page (apps catalog)', await verbose(['apps', 'catalog', '--json'])],
  ]
  await homeport(['apps', 'remove', server, app, '--yes'])
  return table(
    ['action', 'total', 'after connect', 'where'],
    rows.map(([label, c]) => [label, String(c.total), String(c.total - c.handshake), c.breakdown]),
  )
}
