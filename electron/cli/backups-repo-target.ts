// `homeport backups repo add` flags → the repository target the core takes: --path (a folder on the
// server), --sftp USER@HOST:PATH, or --s3 https://ENDPOINT/BUCKET[/PREFIX]. Secrets come from standard input
// only (--password-stdin, --secret-key-stdin: one line each, in that order), never from a flag.

import fs from 'node:fs'
import type { RepositoryTargetInput } from '../../shared/contract/index.js'
import { usageError } from './output.js'
import { readStdin } from './stdin.js'

export interface RepoAddFlags {
  path?: string
  sftp?: string
  port?: string
  hostKey?: string
  trustOnFirstUse?: boolean
  s3?: string
  accessKeyId?: string
  secretKeyStdin?: boolean
  caCert?: string
  region?: string
  passwordStdin?: boolean
}

/** The secrets given on standard input: the password first, then the S3 secret key. */
export async function stdinSecrets(flags: RepoAddFlags): Promise<{ password?: string; secretKey?: string }> {
  if (!flags.passwordStdin && !flags.secretKeyStdin) return {}
  const lines = (await readStdin()).split(/\r?\n/)
  const password = flags.passwordStdin ? lines.shift() : undefined
  const secretKey = flags.secretKeyStdin ? lines.shift() : undefined
  return { ...(password ? { password } : {}), ...(secretKey ? { secretKey } : {}) }
}

export function repoTarget(flags: RepoAddFlags, secretKey: string | undefined): RepositoryTargetInput {
  const kinds = [flags.path && '--path', flags.sftp && '--sftp', flags.s3 && '--s3'].filter(Boolean)
  if (kinds.length !== 1) throw usageError(kinds.length ? `Give one of ${kinds.join(' and ')}, not both.` : 'Say where the repository is: --path, --sftp or --s3.', 'For example --path /mnt/usb/backups, --sftp nas@nas.local:/backups or --s3 https://s3.example.com/bucket/prefix.')
  if (flags.path) return { kind: 'local', path: flags.path }
  if (flags.sftp) {
    const m = /^([^@\s]+)@([^:\s]+):(.+)$/.exec(flags.sftp)
    if (!m) throw usageError(`--sftp ${flags.sftp} is not USER@HOST:PATH.`, 'For example --sftp nas@nas.local:/backups/home.')
    return { kind: 'sftp', user: m[1], host: m[2], path: m[3], port: flags.port ? Number(flags.port) : 22, ...(flags.hostKey ? { hostKey: flags.hostKey } : {}), trustOnFirstUse: Boolean(flags.trustOnFirstUse) }
  }
  let url: URL
  try {
    url = new URL(flags.s3!)
  } catch {
    throw usageError(`--s3 ${flags.s3} is not a URL.`, 'For example --s3 https://s3.eu-central-003.backblazeb2.com/my-bucket/home.')
  }
  const [bucket = '', ...prefix] = url.pathname.split('/').filter(Boolean)
  if (!flags.accessKeyId || !secretKey) throw usageError('An S3 repository needs --access-key-id and the secret key on standard input (--secret-key-stdin).')
  return {
    kind: 's3',
    endpoint: `${url.protocol}//${url.host}`,
    bucket,
    prefix: prefix.join('/'),
    accessKeyId: flags.accessKeyId,
    secretAccessKey: secretKey,
    ...(flags.region ? { region: flags.region } : {}),
    ...(flags.caCert ? { caCert: fs.readFileSync(flags.caCert, 'utf8') } : {}),
  }
}
