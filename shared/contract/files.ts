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

/** A small file's bytes, for a preview. */
export interface FileBytesDto {
  path: string
  size: number
  /** The bytes, base64. */
  base64: string
  /** Guessed from the name (image types); `application/octet-stream` otherwise. */
  mime: string
}

/**
 * A private folder on the computer running the core, for bytes that come from or go to a browser tab: a tab
 * cannot name local files, so it writes dropped files here and uploads from here, or downloads here and reads
 * the files back.
 */
export interface StageDto {
  stageId: string
  path: string
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
const stageId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'is not a staging folder id')
/** A path inside a staging folder: plain names joined by `/`, never `.` or `..`. */
export const StagedName = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => p.split('/').every((part) => part !== '' && part !== '.' && part !== '..' && !part.includes('\0')), 'must be names joined by /, without . or ..')
/** One staged chunk at most (base64 of 4 MiB). */
const STAGE_CHUNK_BASE64 = Math.ceil((4 * 1024 * 1024) / 3) * 4
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
  /** A small file's bytes (image previews); a file larger than `maxBytes` is refused (INVALID_INPUT). */
  'files.readBytes': method(Where.extend({ path: RemotePath, maxBytes: z.number().int().min(1).max(16 * 1024 * 1024).default(4 * 1024 * 1024) }), out<FileBytesDto>()),
  /** A new empty staging folder (see StageDto). */
  'files.stageCreate': method(z.object({}), out<StageDto>()),
  /** Writes a chunk (base64) of a staged file at `offset`; offset 0 creates it (and its folders). */
  'files.stageWrite': method(z.object({ stageId, name: StagedName, offset: z.number().int().min(0), data: z.string().max(STAGE_CHUNK_BASE64) }), out<{ size: number }>()),
  /** Reads up to `length` bytes (base64) of a staged file from `offset`, and its whole size. */
  'files.stageRead': method(z.object({ stageId, name: StagedName, offset: z.number().int().min(0), length: z.number().int().min(1).max(4 * 1024 * 1024) }), out<{ data: string; size: number }>()),
  /** Removes a staging folder and everything in it. */
  'files.stageDiscard': method(z.object({ stageId }), out<void>()),
  /** The server's named Docker volumes. */
  'files.volumes': method(OnServer, out<VolumeDto[]>()),
} as const
