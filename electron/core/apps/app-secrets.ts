// The contents of an app's compose secrets: read on this computer (a `file:` beside the compose file, found
// through `buildDir`, the folder remembered in homeport.json) or from the app's variables (`environment:`),
// before anything changes on the server, then written into the app's folder on the server, read-only. Only
// their SHA-256 goes further (into the config hash, so a changed secret recreates what uses it): never their
// content into a log, a plan or a journal.

import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { isAbsolute, resolve } from 'node:path'
import { HomeportError } from '../../../shared/errors.js'
import { loadCompose } from '../compose/index.js'
import { attachSecretDigests, secretServerPath, usedSecrets, SECRETS_DIR } from '../compose/secrets.js'
import type { ComposeProject } from '../compose/types.js'
import { readServerFileBytes, writeServerFiles } from '../connection/sftp.js'
import type { SshSession } from '../connection/types.js'
import type { AppDefinition } from './app-definitions.js'
import { appDir } from './app-paths.js'
import type { AppServer } from './app-server.js'

export interface SecretContent {
  content: Buffer
  sha256: string
  /** Mode of its file on the server. */
  mode: number
}

/** Secret name → content. */
export type SecretContents = Record<string, SecretContent>

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex')

function load(server: AppServer, definition: AppDefinition) {
  return loadCompose({ yamlText: definition.compose, envFileText: definition.env, projectName: definition.name, projectDir: appDir(server.facts, definition.name), serverHome: server.facts.home })
}

/** Whether the app takes a secret from a file on this computer (so the compose file's folder must be remembered). */
export function usesSecretFiles(server: AppServer, definition: AppDefinition): boolean {
  try {
    return [...usedSecrets(load(server, definition).project).values()].some((s) => 'file' in s.source)
  } catch {
    return false
  }
}

function missing(app: string, message: string, fix: { hint: string; cliHint: string }): HomeportError {
  return new HomeportError('SECRET_SOURCE_MISSING', `"${app}" was not changed: ${message}`, fix)
}

/**
 * Reads every secret the app's services use. `buildDir`: the compose file's folder on this computer. Throws
 * SECRET_SOURCE_MISSING naming the secret, where it was looked for and the fix. A definition that does not
 * load has no secrets to read here (planning reports why it does not load).
 */
export async function readAppSecrets(server: AppServer, definition: AppDefinition, buildDir: string | undefined): Promise<SecretContents> {
  let loaded: ReturnType<typeof load>
  try {
    loaded = load(server, definition)
  } catch {
    return {}
  }
  const app = definition.name
  const out: SecretContents = {}
  for (const [name, used] of usedSecrets(loaded.project)) {
    let content: Buffer
    if ('file' in used.source) {
      const file = used.source.file
      if (!isAbsolute(file) && (!buildDir || !isAbsolute(buildDir))) {
        throw missing(app, `secret "${name}" comes from the file ${file} beside the compose file, and the compose file's folder on this computer is not known.`, {
          hint: 'Install or update the app from its compose file on this computer, so the secret files can be found beside it.',
          cliHint: 'Run the command with --file pointing at the compose file on this computer; secret files are found beside it.',
        })
      }
      const path = resolve(buildDir ?? '/', file)
      try {
        content = await readFile(path)
      } catch (err) {
        const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'which does not exist' : `which could not be read (${(err as Error).message})`
        throw missing(app, `secret "${name}" comes from ${path}, ${why}.`, {
          hint: `Create ${path} with the secret's value (or correct file: under secrets: ${name} in the compose file), then try again.`,
          cliHint: `Create ${path} with the secret's value (or correct file: under secrets: ${name} in the compose file), then run the command again.`,
        })
      }
    } else {
      const variable = used.source.environment
      const value = loaded.variables[variable]
      if (value === undefined) {
        throw missing(app, `secret "${name}" takes its value from the variable ${variable}, which has none.`, {
          hint: `Give ${variable} a value in the app's settings (or its .env file), then try again.`,
          cliHint: `Give ${variable} a value with --env ${variable}=VALUE (or in the .env file), then run the command again.`,
        })
      }
      content = Buffer.from(value, 'utf8')
    }
    out[name] = { content, sha256: sha256(content), mode: used.mode }
  }
  return out
}

/**
 * Puts each secret's SHA-256 on the services that use it: from `contents` when this run writes them, else
 * from the files already on the server (a settings change keeps the hash the install gave). A secret known
 * from neither plans without one.
 */
export async function digestSecrets(session: SshSession, project: ComposeProject, contents: SecretContents | undefined): Promise<void> {
  const names = [...usedSecrets(project).keys()]
  if (!names.length) return
  const digests: Record<string, string> = {}
  await Promise.all(
    names.map(async (name) => {
      if (contents?.[name]) digests[name] = contents[name].sha256
      else {
        const file = await readServerFileBytes(session, secretServerPath(project.workingDir, name)).catch(() => undefined)
        if (file) digests[name] = sha256(file.data)
      }
    }),
  )
  attachSecretDigests(project, digests)
}

/** The folder the secrets go in, when there are any to write. */
export function secretsFolder(dir: string, contents: SecretContents | undefined): string | undefined {
  return contents && Object.keys(contents).length ? `${dir}/${SECRETS_DIR}` : undefined
}

/** Writes the secrets into the app's folder on the server (each whole, under a temporary name first), read-only. */
export async function writeSecretFiles(session: SshSession, dir: string, contents: SecretContents): Promise<void> {
  const folder = secretsFolder(dir, contents)
  if (!folder) return
  const made = await session.exec(['mkdir', '-p', '-m', '700', '--', folder])
  if (made.code !== 0) throw new HomeportError('INTERNAL', `Could not create ${folder} on the server.`, { details: made.stderr })
  // A file left read-only by an earlier run is replaced by the rename, which needs no write permission on it.
  await writeServerFiles(session, Object.entries(contents).map(([name, s]) => ({ path: secretServerPath(dir, name), content: s.content, mode: s.mode })))
}
