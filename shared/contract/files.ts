// Files on a server, over its one SSH connection: browse, edit and change files and folders, copy on the
// server, and move whole trees between this computer and the server as jobs. The same calls reach into a
// named Docker volume when `volume` is given (paths are then relative to the volume's root).

import { z } from 'zod'
import { method, out } from './define.js'

const serverId = z.string().min(1)

/** A path on the server: absolute, or relative to the SSH user's home. Every other character passes verbatim. */
export const RemotePath = z.string().min(1).refine((p) => !p.includes('\0'), 'may not contain a NUL character')
/** A path on this computer (the one running the core). */
export const LocalPath = z.string().min(1).refine((p) => !p.includes('\0'), 'may not contain a NUL character')
/** Docker's own rule for volume names. */
export const VolumeName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'is not a Docker volume name')
/** A user or group on the server, by name or number (never an option or a shell word). */
const OwnerName = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*\$?$/, 'is not a user or group name')

export type FileType = 'file' | 'dir' | 'symlink' | 'other'

export interface FileEntryDto {
  name: string
  /** The path as the caller named it, joined with the name. */
  path: string
  type: FileType
  size: number
  /** Permission bits, setuid/setgid/sticky included (0o7777). */
  mode: number
  uid: number
  gid: number
  /** Names when the server tells them, else the numbers as text. */
  owner: string
  group: string
  mtimeMs: number
  /** Where a symlink points, as stored (never followed). */
  target?: string
}

export interface FileListDto {
  path: string
  entries: FileEntryDto[]
  /** A volume folder too big to read whole: the entries seen before the limit. */
  partial?: boolean
}

/** What a text file looked like when it was opened; a write carries it back to detect a change since. */
export interface FileVersionDto {
  size: number
  mtimeMs: number
  sha256?: string
}

/** In FILE_CHANGED's details (JSON): the version the editor opened and the one on the server now (absent: deleted). */
export interface FileChangedDetails {
  path: string
  opened: FileVersionDto | null
  current: FileVersionDto | null
}

export interface TextFileDto {
  path: string
  content: string
  version: FileVersionDto
  mode: number
}

export interface VolumeDto {
  name: string
  driver: string
  createdAt?: string
  labels: Record<string, string>
}

/** What happens when a name is taken at the destination; `ask` asks the person (a `nameClash` prompt). */
export type ClashPolicy = 'overwrite' | 'skip' | 'rename' | 'ask'
/** Answers to a `nameClash` prompt; `…-all` applies to every later clash of the job. */
export const CLASH_ANSWERS = ['overwrite', 'skip', 'rename', 'overwrite-all', 'skip-all', 'rename-all'] as const
export type ClashAnswer = (typeof CLASH_ANSWERS)[number]

/** What `upload` and `download` jobs end with (see jobs.ts). */
export interface TransferJobResult {
  files: number
  folders: number
  links: number
  bytes: number
  /** Destination paths left as they were (clash policy `skip`); the first 200. */
  skipped: string[]
  /** Items written under another name (clash policy `rename`); the first 200. */
  renamed: { from: string; to: string }[]
  /** Files whose sha256 was compared on both ends. */
  verified: number
  /** Times a file carried on from its byte offset after the connection came back. */
  resumed: number
}

export interface CopyJobResult {
  from: string
  to: string
  bytes: number
}

const Where = z.object({ serverId, volume: VolumeName.optional() })
const OnServer = z.object({ serverId })
const clash = z.enum(['overwrite', 'skip', 'rename', 'ask']).default('ask')
const transfer = {
  onClash: clash,
  /** `size` always; `sha256` also hashes each file on the server and here. */
  verify: z.enum(['size', 'sha256']).default('size'),
  /** Files in flight at once. */
  parallel: z.number().int().min(1).max(64).default(32),
}
const Version = z.object({ size: z.number().int().min(0), mtimeMs: z.number().min(0), sha256: z.string().regex(/^[0-9a-f]{64}$/).optional() })

export const filesContract = {
  /** The SSH user's home folder (where relative paths start). */
  'files.home': method(OnServer, out<string>()),
  /** A folder's entries, symlinks not followed. */
  'files.list': method(Where.extend({ path: RemotePath }), out<FileListDto>()),
  'files.stat': method(Where.extend({ path: RemotePath }), out<FileEntryDto>()),
  /** Creates the folder and any missing parents; an existing folder is fine. */
  'files.mkdir': method(Where.extend({ path: RemotePath }), out<FileEntryDto>()),
  /** Rename or move; refuses a taken name unless `overwrite`. */
  'files.move': method(Where.extend({ from: RemotePath, to: RemotePath, overwrite: z.boolean().default(false) }), out<FileEntryDto>()),
  /** Starts a `copy` job on the server (nothing crosses the connection but progress). */
  'files.copy': method(OnServer.extend({ from: RemotePath, to: RemotePath, overwrite: z.boolean().default(false) }), out<{ jobId: string }>()),
  /** `recursive` removes a folder with everything in it; `confirm` must then repeat `path`. */
  'files.remove': method(Where.extend({ path: RemotePath, recursive: z.boolean().default(false), confirm: z.string().optional() }), out<void>()),
  'files.chmod': method(OnServer.extend({ path: RemotePath, mode: z.number().int().min(0).max(0o7777), recursive: z.boolean().default(false) }), out<void>()),
  'files.chown': method(
    OnServer.extend({ path: RemotePath, owner: OwnerName.optional(), group: OwnerName.optional(), recursive: z.boolean().default(false) }).refine((v) => v.owner || v.group, 'give an owner, a group or both'),
    out<void>(),
  ),
  'files.readText': method(Where.extend({ path: RemotePath, maxBytes: z.number().int().min(1).max(64 * 1024 * 1024).default(8 * 1024 * 1024) }), out<TextFileDto>()),
  /** `expected`: the version it was opened with (null: a new file). A change since is refused with FILE_CHANGED. */
  'files.writeText': method(
    Where.extend({ path: RemotePath, content: z.string(), expected: Version.nullable(), mode: z.number().int().min(0).max(0o7777).optional() }),
    out<FileVersionDto>(),
  ),
  /** Computed on the server. */
  'files.sha256': method(OnServer.extend({ path: RemotePath }), out<string>()),
  /** Starts an `upload` job: local files and folders into the folder `destination` on the server. */
  'files.upload': method(Where.extend({ sources: z.array(LocalPath).min(1), destination: RemotePath, ...transfer }), out<{ jobId: string }>()),
  /** Starts a `download` job: files and folders on the server into the local folder `destination`. */
  'files.download': method(Where.extend({ sources: z.array(RemotePath).min(1), destination: LocalPath, ...transfer }), out<{ jobId: string }>()),
  /** The server's named Docker volumes. */
  'files.volumes': method(OnServer, out<VolumeDto[]>()),
} as const
