// Pre/post hooks an app declares in its compose file, so it can keep running while it is backed up:
//
//   x-homeport:
//     backup:
//       pre:  { service: db, command: ["sqlite3", "/data/app.db", ".backup /data/backup.db"] }
//       post: { service: db, command: ["rm", "-f", "/data/backup.db"] }
//
// Each runs in the service's running container through Docker's exec, as an argument list (a string is
// run by the container's `sh -c`, as Compose's own `command:` string would be).

import { parse } from 'yaml'
import { HomeportError } from '../../../shared/errors.js'
import { readServerFile } from '../connection/sftp.js'
import type { SshSession } from '../connection/types.js'
import type { Docker } from '../docker/docker-access.js'
import { serviceContainer } from '../docker/project-containers.js'

export interface Hook {
  service: string
  command: string[]
}

export interface AppHooks {
  pre?: Hook
  post?: Hook
}

function hookOf(raw: unknown, where: string): Hook | undefined {
  if (raw === undefined || raw === null) return undefined
  const spec = raw as { service?: unknown; command?: unknown }
  const command = typeof spec.command === 'string' ? ['sh', '-c', spec.command] : spec.command
  if (typeof spec.service !== 'string' || !Array.isArray(command) || !command.length || !command.every((c) => typeof c === 'string')) {
    throw new HomeportError('COMPOSE_INVALID', `x-homeport.backup.${where} in the compose file needs a service and a command (a list of words or one string).`, { hint: 'Fix the x-homeport block of the compose file.' })
  }
  return { service: spec.service, command: command as string[] }
}

export async function readHooks(session: SshSession, composeFile: string | undefined): Promise<AppHooks> {
  if (!composeFile) return {}
  const text = await readServerFile(session, composeFile)
  if (!text) return {}
  const doc = parse(text) as { 'x-homeport'?: { backup?: { pre?: unknown; post?: unknown } } } | null
  const backup = doc?.['x-homeport']?.backup
  return { ...(hookOf(backup?.pre, 'pre') ? { pre: hookOf(backup?.pre, 'pre') } : {}), ...(hookOf(backup?.post, 'post') ? { post: hookOf(backup?.post, 'post') } : {}) }
}

/** Runs a hook in its service's container and fails with what it printed if it exits non-zero. */
export async function runHook(docker: Docker, app: string, hook: Hook, which: 'pre' | 'post'): Promise<string> {
  const info = await serviceContainer(docker, app, hook.service)
  if (!info || info.State !== 'running') {
    throw new HomeportError('NOT_FOUND', `The ${which}-backup hook of "${app}" runs in service ${hook.service}, which is not running.`, { hint: 'Start the app, or set the policy to stop it for backups.' })
  }
  const exec = await docker.getContainer(info.Id).exec({ Cmd: hook.command, AttachStdout: true, AttachStderr: true })
  const stream = (await exec.start({ hijack: true, stdin: false })) as NodeJS.ReadableStream
  const chunks: Buffer[] = []
  await new Promise<void>((resolve) => {
    const sink = { write: (b: Buffer) => chunks.push(b) } as unknown as NodeJS.WritableStream
    docker.modem.demuxStream(stream, sink, sink)
    stream.on('end', resolve)
    stream.on('close', resolve)
    stream.on('error', () => resolve())
  })
  const output = Buffer.concat(chunks).toString('utf8').trim()
  const { ExitCode } = (await exec.inspect()) as { ExitCode: number | null }
  if (ExitCode !== 0) {
    throw new HomeportError('COMMAND_FAILED', `The ${which}-backup hook of "${app}" (${hook.command.join(' ')}) failed with exit code ${ExitCode}.`, { hint: 'Read the details for its output and fix the hook in the compose file.', details: output })
  }
  return output
}
