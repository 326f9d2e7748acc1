// Why a server is not ready for Homeport yet, in words the server page shows next to "Set up this server".
// Reads the agent's facts when there are some; a Docker error that set-up fixes stands in for them
// otherwise (the facts may still be loading, or the agent could not answer).

import type { AgentHelloDto, AgentStatusDto } from '../../../../../shared/contract/index.js'
import type { ErrorCode, ErrorInfo } from '../../../../../shared/errors.js'

/** Docker errors that set-up fixes: the server page offers set-up instead of showing them as failures. */
export const SETUP_FIXES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['DOCKER_NOT_INSTALLED', 'DOCKER_PERMISSION', 'DOCKER_DOWN'])

export function isSetupFix(error: Pick<ErrorInfo, 'code'> | undefined): boolean {
  return error !== undefined && SETUP_FIXES.has(error.code)
}

export interface SetupInputs {
  hello?: AgentHelloDto
  status?: AgentStatusDto
  dockerError?: Pick<ErrorInfo, 'code' | 'message'>
}

export function setupReasons({ hello, status, dockerError }: SetupInputs): string[] {
  const reasons: string[] = []
  if (hello) {
    const { docker, user } = hello
    const group = docker.socketGroup || 'docker'
    if (!docker.installed) reasons.push('Docker is not installed.')
    else if (!docker.socket) reasons.push('Docker is installed but not running.')
    else if (!docker.socketAccessible && docker.inDockerGroup) reasons.push(`${user.name} is in group ${group}, but this login started before that; a new login makes it apply.`)
    else if (!docker.socketAccessible) reasons.push(`${user.name} is not in group ${group}, so Homeport cannot reach Docker.`)
  }
  if (status && !status.upToDate) {
    reasons.push(status.installed ? `The Homeport agent ${status.installed} is older than this app's ${status.bundled}.` : 'The Homeport agent is not installed.')
  }
  if (reasons.length === 0 && isSetupFix(dockerError)) reasons.push(dockerError!.message)
  return reasons
}
