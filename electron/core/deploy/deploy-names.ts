// How deployed versions are named and labelled on the server. Docker itself is the record of the kept
// versions: each is a container (running while it serves, stopped otherwise) whose labels hold the version,
// its commit and the config it runs with, so a rollback restores the image and config exactly as they were.

import type { DeployConfigDto, DeployVersionDto } from '../../../shared/contract/deploy.js'

export const DEPLOY_APP_LABEL = 'io.homeport.deploy.app'
export const DEPLOY_VERSION_LABEL = 'io.homeport.deploy.version'
export const DEPLOY_COMMIT_LABEL = 'io.homeport.deploy.commit'
export const DEPLOY_CREATED_LABEL = 'io.homeport.deploy.created'
export const DEPLOY_CONFIG_LABEL = 'io.homeport.deploy.config'
/** The proxy a version is served through (its container name), so two proxies on one engine never mix versions. */
export const DEPLOY_PROXY_LABEL = 'io.homeport.deploy.proxy'

/** The last versions kept (images and config) for a rollback. */
export const KEEP_VERSIONS = 3

export type VersionConfig = DeployVersionDto['config']

export function versionContainer(app: string, version: string): string {
  return `homeport-deploy-${app}-${version}`
}

export function versionImage(app: string, version: string): string {
  return `homeport-deploy/${app}:${version}`
}

/** `20261130-061502`, in UTC, plus `-<commit>` when there is one. */
export function newVersion(now: Date, commit?: string): string {
  const stamp = now.toISOString().replace(/\.\d+Z$/, '').replace(/[-:]/g, '').replace('T', '-')
  return commit ? `${stamp}-${commit}` : stamp
}

export function versionConfig(config: DeployConfigDto): VersionConfig {
  return { port: config.port, ...(config.appPort ? { appPort: config.appPort } : {}), health: config.health, env: config.env }
}

export function versionLabels(app: string, version: string, proxy: string, config: VersionConfig, createdAt: string, commit?: string): Record<string, string> {
  return {
    [DEPLOY_APP_LABEL]: app,
    [DEPLOY_VERSION_LABEL]: version,
    [DEPLOY_CREATED_LABEL]: createdAt,
    [DEPLOY_CONFIG_LABEL]: JSON.stringify(config),
    [DEPLOY_PROXY_LABEL]: proxy,
    ...(commit ? { [DEPLOY_COMMIT_LABEL]: commit } : {}),
  }
}
