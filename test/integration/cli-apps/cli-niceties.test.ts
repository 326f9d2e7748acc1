// The small things a person meets first at the command line: bare `homeport` helps, `apps plan` shows the
// values it will use, a misspelled app id or --env name gets a suggestion, a compose file names its app as
// Docker Compose would, and a failed install prints the details its hint refers to.

import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PlanDto } from '../../../shared/contract/index.js'
import { useHomeServer } from '../../homeserver/helpers.js'
import type { CliSandbox } from '../cli/run-cli.js'
import { appsSandbox, projectLeftovers, SERVER } from './cli-apps-helpers.js'

const hs = useHomeServer()
const FAILING = `hp-nice-fail-${process.pid}`

describe('CLI niceties', () => {
  let cli: CliSandbox
  let folder: string

  beforeAll(async () => {
    cli = await appsSandbox(hs)
    folder = path.join(cli.home, 'My Blog')
    fs.mkdirSync(folder)
  })
  afterAll(() => cli?.dispose())

  it('bare `homeport` prints the help on stdout and exits 0', async () => {
    const bare = await cli.run([])
    expect(bare.code).toBe(0)
    expect(bare.stderr).toBe('')
    expect(bare.stdout).toMatch(/^Usage: homeport \[options\] \[command\]/)
    expect(bare.stdout).toMatch(/^ {2}server\s+add, list, test and remove servers$/m)
    expect(bare.stdout).toContain('--password-stdin')
  })

  it('`apps plan` prints the settings, ports and folders it will use', async () => {
    const plan = await cli.json<PlanDto>(['apps', 'plan', SERVER, 'jellyfin'])
    expect(plan.settings).toEqual([
      { name: 'WEB_PORT', label: 'Web port on the server', value: '8096' },
      { name: 'BIND_ADDRESS', label: 'Listen on', value: '127.0.0.1' },
      { name: 'MEDIA_DIR', label: 'Media folder on the server', value: '~/media' },
    ])
    expect(plan.ports).toEqual([{ service: 'jellyfin', hostIp: '127.0.0.1', published: 8096, target: 8096, protocol: 'tcp' }])
    const home = `/home/${hs.user}`
    expect(plan.folders).toEqual([
      { service: 'jellyfin', source: `${home}/.local/share/homeport/apps/jellyfin/config`, target: '/config', readOnly: false },
      { service: 'jellyfin', source: `${home}/.local/share/homeport/apps/jellyfin/cache`, target: '/cache', readOnly: false },
      { service: 'jellyfin', source: `${home}/media`, target: '/media', readOnly: true },
    ])

    const human = await cli.run(['apps', 'plan', SERVER, 'jellyfin', '--env', 'WEB_PORT=18096'])
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toMatch(/^Settings \(change with --env NAME=VALUE\)\n {2}WEB_PORT +18096 +— Web port on the server$/m)
    expect(human.stdout).toMatch(/^ {2}BIND_ADDRESS +127\.0\.0\.1/m)
    expect(human.stdout).toContain('Ports on the server\n  127.0.0.1:18096 → jellyfin 8096/tcp  (this server only; open it with `homeport apps open`)')
    expect(human.stdout).toContain(`Folders of the server\n  ${home}/.local/share/homeport/apps/jellyfin/config → jellyfin:/config\n`)
    expect(human.stdout).toContain(`  ${home}/media → jellyfin:/media (read-only)`)
  })

  it('a secret setting is listed without its value', async () => {
    const plan = await cli.json<PlanDto>(['apps', 'plan', SERVER, 'linkding'])
    expect(plan.settings?.find((s) => s.name === 'SUPERUSER_PASSWORD')).toEqual({ name: 'SUPERUSER_PASSWORD', label: 'Admin password', secret: true })
    const human = await cli.run(['apps', 'plan', SERVER, 'linkding'])
    expect(human.stdout).toMatch(/^ {2}SUPERUSER_PASSWORD +\(secret: generated/m)
  })

  it('refuses an unknown --env name, naming the known ones and the closest', async () => {
    const res = await cli.run(['apps', 'plan', SERVER, 'jellyfin', '--env', 'WEBPORT=18096'])
    expect(res.code).toBe(2)
    expect(res.stdout).toBe('')
    expect(res.stderr).toMatch(/^error INVALID_INPUT: "WEBPORT" is not a setting of jellyfin\. Did you mean WEB_PORT\? Its settings: WEB_PORT, BIND_ADDRESS, MEDIA_DIR, /)
    expect(res.stderr).toMatch(/\nhint: Pass --env only with the names listed here/)

    fs.writeFileSync(path.join(folder, 'compose.yml'), `services:\n  web:\n    image: ${hs.registry}/homeport/httpd:1\n    ports:\n      - "127.0.0.1:\${WEB_PORT:-18555}:80"\n`)
    const compose = await cli.run(['apps', 'plan', SERVER, '--file', path.join(folder, 'compose.yml'), '--env', 'WEB_PROT=1'])
    expect(compose.code).toBe(2)
    expect(compose.stderr).toMatch(/^error INVALID_INPUT: "WEB_PROT" is not a setting of myblog\. Did you mean WEB_PORT\? Its settings: WEB_PORT\./)
  })

  it('--file takes the app name from the file\'s `name:`, else from its folder', async () => {
    const file = path.join(folder, 'compose.yml')
    fs.writeFileSync(file, `services:\n  web:\n    image: ${hs.registry}/homeport/httpd:1\n    ports:\n      - "127.0.0.1:\${WEB_PORT:-18555}:80"\n    volumes:\n      - ./site:/www:ro\n`)
    const fromFolder = await cli.json<PlanDto>(['apps', 'plan', SERVER, '--file', file, '--env', 'WEB_PORT=18556'])
    expect(fromFolder.app).toBe('myblog')
    expect(fromFolder.containers.map((c) => c.name)).toEqual(['myblog-web-1'])
    expect(fromFolder.settings).toEqual([{ name: 'WEB_PORT', value: '18556' }])
    expect(fromFolder.folders).toEqual([{ service: 'web', source: `/home/${hs.user}/.local/share/homeport/apps/myblog/site`, target: '/www', readOnly: true }])

    fs.writeFileSync(file, `name: fromfile\n${fs.readFileSync(file, 'utf8')}`)
    expect((await cli.json<PlanDto>(['apps', 'plan', SERVER, '--file', file])).app).toBe('fromfile')
    expect((await cli.json<PlanDto>(['apps', 'plan', SERVER, '--file', file, '--name', 'given'])).app).toBe('given')
  })

  it('suggests the app id meant by a typo', async () => {
    const res = await cli.run(['apps', 'plan', SERVER, 'jelyfin'])
    expect(res.code).toBe(1)
    expect(res.stderr).toMatch(/^error NOT_FOUND: The catalog has no app "jelyfin"\. Did you mean "jellyfin"\?\nhint: .*homeport apps catalog/)
  })

  it('a failed install prints the details its error refers to', async () => {
    const file = path.join(cli.home, 'failing.yml')
    const missing = `${hs.registry}/homeport/no-such-image-${process.pid}:1`
    fs.writeFileSync(file, `services:\n  web:\n    image: ${missing}\n`)
    const res = await cli.run(['apps', 'install', SERVER, '--file', file, '--name', FAILING])
    expect(res.code).toBe(1)
    const error = res.stderr.slice(res.stderr.indexOf('error '))
    expect(error).toMatch(/^error [A-Z_]+: .*\nhint: .+\ndetails:/)
    // Docker's own words about the image, which the message itself only summarises.
    expect(error.slice(error.indexOf('details:'))).toMatch(/no-such-image|not found|manifest unknown/i)
    expect(await projectLeftovers(FAILING)).toEqual({ containers: [], networks: [], volumes: [] })
  })
})
