// Backups of apps with restic, run in a short-lived container on the server: repositories (several per
// server, each with its own password in the keychain), a policy per app, runs and restores as jobs,
// snapshots and retention.

import { z } from 'zod'
import { appName } from './apps.js'
import { method, out } from './define.js'

const serverId = z.string().min(1)
const RepoName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,40}$/, 'must be lower-case letters, digits, "-" or "_" (at most 41)')
const Fingerprint = z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'is not an SSH fingerprint (SHA256:… as ssh-keygen -l prints it)')
const AbsolutePath = z.string().regex(/^\/[^\0]*$/, 'must be an absolute path')

export const REPOSITORY_KINDS = ['local', 'sftp', 'homeport', 's3'] as const
export type RepositoryKind = (typeof REPOSITORY_KINDS)[number]

/** Where a repository lives, as given when it is added (secrets apart). */
export const RepositoryTarget = z.discriminatedUnion('kind', [
  /** A folder on the server itself, such as an external drive's mount point. */
  z.object({ kind: z.literal('local'), path: AbsolutePath }),
  /** A folder on any SSH host, reached from the server with the server's backup key (`backups.sshKey`). */
  z.object({
    kind: z.literal('sftp'),
    host: z.string().regex(/^[A-Za-z0-9.:_-]+$/, 'is not a host name or address'),
    port: z.number().int().min(1).max(65535).default(22),
    user: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, 'is not a user name'),
    path: z.string().min(1).refine((p) => !p.includes('\0') && !p.startsWith('-'), 'is not a path'),
    /** The host key the server must see; without it, the first one seen is pinned (`trustOnFirstUse`). */
    hostKey: Fingerprint.optional(),
    trustOnFirstUse: z.boolean().default(false),
  }),
  /**
   * Another server added in Homeport: a dedicated user is made there (through sudo), allowed only SFTP into
   * `path` (default `/srv/homeport-backups/<this server>`), with a key of its own kept in the keychain.
   */
  z.object({
    kind: z.literal('homeport'),
    server: z.string().min(1),
    /**
     * Where this server reaches the other one, when that is not the address this computer uses (a LAN address
     * beside a public name or a VPN address); the other server's pinned host key must answer there.
     */
    host: z.string().regex(/^[A-Za-z0-9.:_-]+$/, 'is not a host name or address').optional(),
    port: z.number().int().min(1).max(65535).optional(),
    path: z.string().regex(/^\/[A-Za-z0-9._/-]*[A-Za-z0-9._-]$/, 'must be an absolute folder path of letters, digits, ".", "_", "-" and "/"').refine((p) => !p.split('/').includes('..'), 'must not hold ".."').optional(),
  }),
  /** An S3-compatible bucket (Backblaze B2, Wasabi, MinIO…); `caCert`: a PEM certificate to trust for a private endpoint. */
  z.object({
    kind: z.literal('s3'),
    endpoint: z.string().regex(/^https?:\/\/[A-Za-z0-9.:[\]-]+\/?$/, 'must be an http(s) URL without a path'),
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{2,62}$/, 'is not an S3 bucket name (3–63 lower-case letters, digits, "." or "-")'),
    prefix: z.string().regex(/^[A-Za-z0-9._/-]*$/, 'may hold letters, digits, ".", "_", "-" and "/"').default(''),
    region: z.string().regex(/^[a-z0-9-]*$/).optional(),
    accessKeyId: z.string().min(1),
    secretAccessKey: z.string().min(1),
    caCert: z.string().includes('BEGIN CERTIFICATE', { message: 'is not a PEM certificate' }).optional(),
  }),
])
export type RepositoryTargetInput = z.input<typeof RepositoryTarget>

export interface RepositoryDto {
  name: string
  kind: RepositoryKind
  /** restic's name for it, secrets left out: `/mnt/usb/backups`, `sftp:nas@host:/b`, `s3:https://…/bucket/prefix`. */
  location: string
  /** sftp, homeport: the pinned host key. */
  hostKey?: string
  /** homeport: the other server's name and the user made there. */
  targetServer?: string
  targetUser?: string
  createdAt: string
}

/** Retention: how many of the latest hourly, daily… snapshots `forget --prune` keeps. */
export const Retention = z.object({
  last: z.number().int().min(0).max(1000).default(10),
  hourly: z.number().int().min(0).max(1000).default(24),
  daily: z.number().int().min(0).max(1000).default(7),
  weekly: z.number().int().min(0).max(1000).default(4),
  monthly: z.number().int().min(0).max(1000).default(12),
  yearly: z.number().int().min(0).max(1000).default(0),
})
export type RetentionDto = z.output<typeof Retention>
/** Umbrel's: the last 10, 24 hourly, 7 daily, 4 weekly, 12 monthly. */
export const UMBREL_RETENTION: RetentionDto = { last: 10, hourly: 24, daily: 7, weekly: 4, monthly: 12, yearly: 0 }

export interface PolicyDto {
  app: string
  repository: string
  /** `stop`: the app is stopped for the snapshot; `hooks`: it keeps running, its x-homeport pre/post hooks run. */
  consistency: 'stop' | 'hooks'
  retention: RetentionDto
  /** The last drill that restored a snapshot of the app and found every file as it was taken. */
  lastProvenRestore?: { time: string; snapshotId: string }
}

export interface SnapshotDto {
  id: string
  shortId: string
  time: string
  app: string
  repository: string
  /** What the snapshot holds: volumes, bind-mounted folders and the compose files. */
  volumes: string[]
  binds: string[]
}

export interface BackupJobResult {
  app: string
  repository: string
  snapshotId: string
  filesNew: number
  filesChanged: number
  bytesProcessed: number
  bytesAdded: number
  /** How long the app was stopped (0 when hooks kept it running). */
  downtimeMs: number
  consistency: 'stop' | 'hooks'
  /** Snapshots removed by the retention policy. */
  forgotten: number
}

export interface RestoreJobResult {
  app: string
  snapshotId: string
  /** The app restored into (the clone's name with `as`). */
  target: string
  volumes: string[]
  binds: string[]
  path?: string
  /** The paths restored when several were picked. */
  paths?: string[]
  /** A clone's host ports that the original (or another app) already uses, moved to free ones. */
  ports?: { service: string; from: number; to: number }[]
  files: number
  bytes: number
  /** `untouched`: `toLocal` brought the path to this computer and left the app alone. */
  health: 'healthy' | 'running' | 'untouched'
  /** With `toLocal`: where the file or folder landed on this computer (a free name when the first was taken). */
  local?: string
}

/** How much a repository holds (`restic stats`): what it takes on its target, and what its snapshots hold. */
export interface RepositorySizeDto {
  repository: string
  /** Bytes the repository takes on its target, after deduplication and compression. */
  storedBytes: number
  /** Bytes every snapshot would take restored, added up. */
  snapshotsBytes: number
  snapshots: number
  /** snapshotsBytes / storedBytes: how much deduplication and compression save (1 for an empty repository). */
  dedupRatio: number
}

/** One entry of a folder in a snapshot (`restic ls`). */
export interface SnapshotEntryDto {
  /** Its absolute path in the snapshot, e.g. `/backup/volumes/notes_data/docs`. */
  path: string
  name: string
  type: 'file' | 'dir' | 'symlink' | 'other'
  size?: number
  mtime?: string
}

export interface SnapshotListingDto {
  snapshotId: string
  /** The folder listed; `/` lists what the snapshot holds (its volumes, folders and compose files). */
  path: string
  entries: SnapshotEntryDto[]
  /** More entries than the listing returns (`SNAPSHOT_LISTING_LIMIT`). */
  truncated: boolean
}
export const SNAPSHOT_LISTING_LIMIT = 5000

/** One path that differs between two snapshots (`restic diff`); a folder's path ends in `/`. */
export interface SnapshotChangeDto {
  path: string
  /** `type` when a file became a folder or link (or back), `metadata` when only its mode, owner or times changed. */
  change: 'added' | 'removed' | 'modified' | 'type' | 'metadata'
}

export interface SnapshotDiffDto {
  app: string
  repository: string
  /** Full snapshot ids. */
  from: string
  to: string
  changes: SnapshotChangeDto[]
  added: { files: number; dirs: number; bytes: number }
  removed: { files: number; dirs: number; bytes: number }
  changedFiles: number
}

export interface DrillJobResult {
  app: string
  repository: string
  snapshotId: string
  /** Files restored into scratch volumes and compared with the snapshot's content hashes. */
  files: number
  bytes: number
  provenAt: string
}

/** A cron expression (minute hour day-of-month month day-of-week; numbers, `*`, lists, ranges, steps) or `hourly`, `daily`, `weekly`, `monthly`. */
export const ScheduleWhen = z.string().trim().min(1).max(100)

export interface ScheduleDto {
  app: string
  /** When each kind of run happens, as cron expressions (the server's local time). */
  backup: string
  check?: string
  drill?: string
  /** How the server runs them: a systemd user timer, or a cron entry where the user has no systemd. */
  via: 'systemd' | 'cron'
  /** systemd only: false when the timers stop at logout because lingering could not be enabled. */
  lingering?: boolean
  createdAt: string
  /** When each kind of run is next due (ISO times; the cron times read in this computer's time zone, which a server in another zone does not share). */
  next?: { backup?: string; check?: string; drill?: string }
}

/** One line of the run log a scheduled run appends on the server. */
export interface ScheduledRunDto {
  app: string
  kind: 'backup' | 'check' | 'drill'
  status: 'started' | 'ok' | 'failed'
  time: string
  run: string
  snapshotId?: string
  error?: string
}

const scheduleContract = {
  /**
   * Schedules an app's backups on the server itself, so they run while this computer is off: the repository's
   * password (and its SSH or S3 key) is written to 0600 files on the server, so `storeSecretsOnServer` must be
   * true — the person's consent to that. `check` runs `check --read-data-subset`; `drill` a restore drill.
   */
  'backups.scheduleSet': method(z.object({ serverId, app: appName, backup: ScheduleWhen, check: ScheduleWhen.optional(), drill: ScheduleWhen.optional(), storeSecretsOnServer: z.boolean().default(false) }), out<ScheduleDto>()),
  'backups.scheduleGet': method(z.object({ serverId, app: appName }), out<ScheduleDto | null>()),
  /** Removes the timers (or cron entries), the script and the secrets stored for them on the server. */
  'backups.scheduleRemove': method(z.object({ serverId, app: appName }), out<void>()),
  /** The run log of scheduled runs on the server, newest first. */
  'backups.scheduledRuns': method(z.object({ serverId, app: appName.optional(), limit: z.number().int().min(1).max(1000).default(50) }), out<ScheduledRunDto[]>()),
} as const

const RepoRef = z.object({ serverId, repository: RepoName })
const AppRef = z.object({ serverId, app: appName })
const SnapshotPath = z.string().regex(/^\/[^\0]*$/, 'must be an absolute path inside the snapshot')
const SnapshotId = z.string().regex(/^([0-9a-f]{8,64}|latest)$/, 'is not a snapshot id (8 to 64 hex digits, or latest)')

export const backupsContract = {
  /** The server's backup SSH public key: add it to authorized_keys on an SFTP target before adding that repository. */
  'backups.sshKey': method(z.object({ serverId }), out<{ publicKey: string }>()),
  /**
   * Adds a repository: initialises it unless it holds one already, then runs restic's `check`. No password: one is
   * generated and returned once. A repository the server's config already lists (added from another computer) is
   * taken on when the same target and its password are given.
   */
  'backups.repoAdd': method(z.object({ serverId, name: RepoName, target: RepositoryTarget, password: z.string().min(8, 'must be at least 8 characters').optional(), sudoPassword: z.string().optional() }), out<{ repository: RepositoryDto; generatedPassword?: string }>()),
  'backups.repoList': method(z.object({ serverId }), out<RepositoryDto[]>()),
  /**
   * Forgets a repository (its data stays where it is); refused while a policy uses it. `removeOnTarget`
   * (homeport kind): also removes the user and its sshd rule on the other server (sudo there, asked once).
   */
  'backups.repoRemove': method(RepoRef.extend({ removeOnTarget: z.boolean().default(false), sudoPassword: z.string().optional() }), out<void>()),
  /** Runs restic's `check` on a repository. */
  'backups.repoCheck': method(RepoRef, out<{ ok: true }>()),
  /** What a repository takes on its target and what its snapshots hold (`restic stats`). */
  'backups.repoSize': method(RepoRef, out<RepositorySizeDto>()),
  'backups.policySet': method(AppRef.extend({ repository: RepoName, consistency: z.enum(['stop', 'hooks']).default('stop'), retention: Retention.default(UMBREL_RETENTION) }), out<PolicyDto>()),
  'backups.policyGet': method(AppRef, out<PolicyDto | null>()),
  'backups.policyList': method(z.object({ serverId }), out<PolicyDto[]>()),
  /** The app is no longer backed up; its snapshots stay in the repository. */
  'backups.policyRemove': method(AppRef, out<void>()),
  /** Starts a `backup` job for an app with a policy. */
  'backups.run': method(AppRef, out<{ jobId: string }>()),
  /** Snapshots in one repository (default: each app's policy repository, or every repository), newest first. */
  'backups.snapshots': method(z.object({ serverId, app: appName.optional(), repository: RepoName.optional() }), out<SnapshotDto[]>()),
  /**
   * Starts a `restore` job: into the app itself (its volumes' contents are replaced; `confirm` must repeat the app name), into a clone `as`, or one `path` only;
   * `path` with `toLocal` (a folder on this computer) downloads that path there and leaves the app alone. `paths`: several
   * files or folders picked from the snapshot (`backups.ls`), put back together. A clone's host ports that are taken move to free ones.
   */
  'backups.restore': method(
    AppRef.extend({ snapshot: SnapshotId, repository: RepoName.optional(), as: appName.optional(), path: SnapshotPath.optional(), paths: z.array(SnapshotPath).min(1).max(200).optional(), confirm: z.string().optional(), toLocal: z.string().min(1).optional() }),
    out<{ jobId: string }>(),
  ),
  /** One folder of one of an app's snapshots (`/`: what it holds), to pick paths to restore. */
  'backups.ls': method(AppRef.extend({ snapshot: SnapshotId, path: SnapshotPath.default('/'), repository: RepoName.optional() }), out<SnapshotListingDto>()),
  /** What changed from one of an app's snapshots to another (`from` older or newer, either may be `latest`). */
  'backups.diff': method(AppRef.extend({ from: SnapshotId, to: SnapshotId, repository: RepoName.optional() }), out<SnapshotDiffDto>()),
  /** Starts a `drill` job: the latest snapshot restored into scratch volumes and every file checked against the snapshot; the app is not touched. */
  'backups.drill': method(AppRef, out<{ jobId: string }>()),
  ...scheduleContract,
} as const
