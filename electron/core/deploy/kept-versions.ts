// The versions of a deployed app kept on the server: its containers (labelled, see deploy-names.ts) and the
// small record of which versions have served (`served.json` in the app's deploy folder). A version that was
// started but never switched to (its deploy was cut off, or failed its health check) is not a version to
// roll back to: it is removed by the next deploy's repair.

import { posix } from 'node:path'
import type { DeployVersionDto } from '../../../shared/contract/deploy.js'
import { APP_NAME_PATTERN } from '../../../shared/contract/apps.js'
import { readServerFile, writeServerFiles } from '../connection/sftp.js'
import type { SshSession } from '../connection/types.js'
import type { Docker } from '../docker/docker-access.js'
import { serverUser } from '../connection/server-user.js'
import { DEPLOY_APP_LABEL, DEPLOY_COMMIT_LABEL, DEPLOY_CONFIG_LABEL, DEPLOY_CREATED_LABEL, DEPLOY_PROXY_LABEL, DEPLOY_VERSION_LABEL, type VersionConfig } from './deploy-names.js'

export interface VersionContainer {
  id: string
  name: string
  version: string
  commit?: string
  createdAt: string
  image: string
  config: VersionConfig
  running: boolean
}

export async function deployDir(session: SshSession, app: string): Promise<string> {
  if (!APP_NAME_PATTERN.test(app)) throw new Error(`not an app name: ${app}`)
  return posix.join((await serverUser(session)).home, '.local/share/homeport/deploy', app)
}

export async function readServed(session: SshSession, app: string): Promise<string[]> {
  const text = await readServerFile(session, posix.join(await deployDir(session, app), 'served.json'))
  if (!text) return []
  try {
    const list = JSON.parse(text) as unknown
    return Array.isArray(list) ? list.filter((v): v is string => typeof v === 'string') : []
  } catch {
    return []
  }
}

/** Replaced whole (a temporary name, then rename), so a cut connection leaves the old list or the new one. */
export async function writeServed(session: SshSession, app: string, versions: string[]): Promise<void> {
  const dir = await deployDir(session, app)
  const mk = await session.exec(['mkdir', '-p', '-m', '700', '--', dir])
  if (mk.code !== 0) throw new Error(`mkdir ${dir}: ${mk.stderr}`)
  await writeServerFiles(session, [{ path: posix.join(dir, 'served.json'), content: `${JSON.stringify([...new Set(versions)])}\n`, mode: 0o600 }])
}

/** The app's version containers on this proxy, newest first. */
export async function versionContainers(docker: Docker, proxy: string, app?: string): Promise<VersionContainer[]> {
  const labels = [app ? `${DEPLOY_APP_LABEL}=${app}` : DEPLOY_APP_LABEL, `${DEPLOY_PROXY_LABEL}=${proxy}`]
  const list = await docker.listContainers({ all: true, filters: JSON.stringify({ label: labels }) })
  return list
    .map((c) => {
      const l = c.Labels
      let config: VersionConfig
      try {
        config = JSON.parse(l[DEPLOY_CONFIG_LABEL] ?? '{}') as VersionConfig
      } catch {
        config = { port: 0, health: { timeout: 60 }, env: {} }
      }
      return {
        id: c.Id,
        name: (c.Names[0] ?? '').replace(/^\//, ''),
        version: l[DEPLOY_VERSION_LABEL] ?? '',
        ...(l[DEPLOY_COMMIT_LABEL] ? { commit: l[DEPLOY_COMMIT_LABEL] } : {}),
        createdAt: l[DEPLOY_CREATED_LABEL] ?? new Date(c.Created * 1000).toISOString(),
        image: c.Image,
        config,
        running: c.State === 'running',
      }
    })
    .filter((v) => v.version)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.version.localeCompare(a.version))
}

export function toVersionDto(v: VersionContainer, serving: string | undefined): DeployVersionDto {
  return { version: v.version, ...(v.commit ? { commit: v.commit } : {}), createdAt: v.createdAt, image: v.image, config: v.config, serving: v.name === serving }
}
