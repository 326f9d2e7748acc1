// `homeport backups repo add` flags → the repository target the core takes: --path (a folder on the
// server), --sftp USER@HOST:PATH, --s3 https://ENDPOINT/BUCKET[/PREFIX], or --target OTHER_SERVER (another
// server added in Homeport; --path is then the folder there). Secrets come from standard input only
// (--password-stdin, --secret-key-stdin, --sudo-password-stdin: one line each, in that order), never from a flag.

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
  kind?: string
  target?: string
  targetHost?: string
  sudoPasswordStdin?: boolean
}

/** The secrets given on standard input: the password first, then the S3 secret key, then the sudo password. */
export async function stdinSecrets(flags: RepoAddFlags): Promise<{ password?: string; secretKey?: string; sudoPassword?: string }> {
  if (!flags.passwordStdin && !flags.secretKeyStdin && !flags.sudoPasswordStdin) return {}
  const lines = (await readStdin()).split(/\r?\n/)
  const password = flags.passwordStdin ? lines.shift() : undefined
  const secretKey = flags.secretKeyStdin ? lines.shift() : undefined
  const sudoPassword = flags.sudoPasswordStdin ? lines.shift() : undefined
  return { ...(password ? { password } : {}), ...(secretKey ? { secretKey } : {}), ...(sudoPassword !== undefined ? { sudoPassword } : {}) }
}

export function repoTarget(flags: RepoAddFlags, secretKey: string | undefined): RepositoryTargetInput {
  if (flags.kind !== undefined && !['local', 'sftp', 's3', 'homeport'].includes(flags.kind)) throw usageError(`--kind ${flags.kind} is not local, sftp, s3 or homeport.`)
  if (flags.kind === 'homeport' || flags.target) {
    if (!flags.target) throw usageError('--kind homeport needs the other server: --target SERVER.', 'For example --kind homeport --target nas (a server added with `homeport server add`).')
    if (flags.sftp || flags.s3 || (flags.kind && flags.kind !== 'homeport')) throw usageError('--target is for a repository on another Homeport server; give it without --sftp or --s3.')
    if (flags.port && !flags.targetHost) throw usageError('--port with --target goes with --target-host: the address and port this server reaches the other one at.')
    const address = flags.targetHost ? { host: flags.targetHost, ...(flags.port ? { port: Number(flags.port) } : {}) } : {}
    return { kind: 'homeport', server: flags.target, ...(flags.path ? { path: flags.path } : {}), ...address }
  }
  if (flags.targetHost) throw usageError('--target-host goes with --target (a repository on another Homeport server).')
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
