import type { TestProject } from 'vitest/node'
import { homeServerUnsupportedReason, startHomeServer, unavailableInfo } from './home-server.js'
import type { HomeServerInfo } from './types.js'

declare module 'vitest' {
  interface ProvidedContext {
    homeserver: HomeServerInfo
  }
}

const PROJECTS_THAT_NEED_IT = new Set(['integration', 'integration-alone', 'e2e'])

/**
 * Whether this run will execute any integration or e2e file. `vitest.projects` is already narrowed by
 * `--project`; file filters on the command line (`vitest run test/unit/x.test.ts`) narrow further.
 */
async function homeServerNeeded(project: TestProject): Promise<boolean> {
  const selected = project.vitest.projects.filter((candidate) => PROJECTS_THAT_NEED_IT.has(candidate.name))
  if (selected.length === 0) return false
  // Not part of Vitest's typed API: the CLI file filters of this run, when there are any.
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern
  if (!filters || filters.length === 0) return true
  const specifications = await project.vitest.globTestSpecifications(filters)
  return specifications.some((specification) => PROJECTS_THAT_NEED_IT.has(specification.project.name))
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (process.env.HOMEPORT_SKIP_HOMESERVER === '1' && process.env.HOMEPORT_REQUIRE_HOMESERVER !== '1') {
    project.provide('homeserver', unavailableInfo('HOMEPORT_SKIP_HOMESERVER=1 is set'))
    return undefined
  }
  if (!(await homeServerNeeded(project))) {
    project.provide('homeserver', unavailableInfo('no integration or e2e test is part of this run'))
    return undefined
  }
  const log = (line: string): void => void process.stderr.write(`[homeserver] ${line}\n`)
  const reason = await homeServerUnsupportedReason(log)
  if (reason) {
    if (process.env.HOMEPORT_REQUIRE_HOMESERVER === '1') {
      throw new Error(`HOMEPORT_REQUIRE_HOMESERVER=1 but the test home server cannot run: ${reason}`)
    }
    log(`integration and e2e tests skip: ${reason}`)
    project.provide('homeserver', unavailableInfo(reason))
    return undefined
  }

  const startedAt = Date.now()
  const server = await startHomeServer(process.pid)
  log(`up in ${((Date.now() - startedAt) / 1000).toFixed(1)} s: sshd 127.0.0.1:${server.info.sshPort}, engine ${server.info.dockerHost}, registry ${server.info.registry}`)

  // Test workers are forked after this point and inherit the variable, so keytar finds the test keychain.
  const previousBus = process.env.DBUS_SESSION_BUS_ADDRESS
  process.env.DBUS_SESSION_BUS_ADDRESS = server.info.dbusSessionBusAddress
  project.provide('homeserver', server.info)

  return async () => {
    if (previousBus === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS
    else process.env.DBUS_SESSION_BUS_ADDRESS = previousBus
    await server.stop()
  }
}
