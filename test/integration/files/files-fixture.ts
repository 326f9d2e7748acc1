// The files domain's tests share this: a core logged in to the test home server, a scratch folder on the
// server owned by the test user (on disk, or on tmpfs for the big files), a local scratch folder, and a
// Prompter that answers name-clash questions from a queue the test fills.

import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { createReadStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import type { JobDto, PromptRequest, TransferJobResult } from '../../../shared/contract/index.js'
import type { Prompter } from '../../../electron/core/runtime/types.js'
import type { HomeServerInfo } from '../../homeserver/types.js'
import { homeServerInput, openTestCore, type TestCore } from '../core/test-core.js'

export interface FilesFixture {
  t: TestCore
  /** A scratch folder on the server, owned by the test user (absolute). */
  remote: string
  /** A scratch folder on this computer. */
  local: string
  /** Name-clash questions asked so far, and the answers still to give (undefined: dismiss). */
  asked: PromptRequest[]
  answers: (string | undefined)[]
}

export function homeOf(user: string): string {
  return execFileSync('getent', ['passwd', user], { encoding: 'utf8' }).split(':')[5]
}

/** Runs argv on the server as the test user (as a shell on the server would). */
export function asUser(hs: HomeServerInfo, argv: string[], input?: string): string {
  return execFileSync('runuser', ['-u', hs.user, '--', ...argv], { encoding: 'utf8', input, cwd: '/' })
}

/**
 * A small disk on the server: `dir` made and a tmpfs of `sizeMiB` mounted on it (by the test, as root), owned
 * by the test user, holding `data.bin` (1 MiB of random bytes). The caller unmounts it.
 */
export function mountSmallDisk(hs: HomeServerInfo, dir: string, sizeMiB: number, label: string): void {
  mkdirSync(dir)
  const uid = execFileSync('id', ['-u', hs.user], { encoding: 'utf8' }).trim()
  const gid = execFileSync('id', ['-g', hs.user], { encoding: 'utf8' }).trim()
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m,uid=${uid},gid=${gid},mode=0755`, label, dir])
  asUser(hs, ['sh', '-c', 'head -c 1048576 /dev/urandom > "$1/data.bin"', 'sh', dir])
}

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256')
    createReadStream(file).on('data', (c) => hash.update(c)).on('error', reject).on('end', () => resolve(hash.digest('hex')))
  })
}

/** `where`: 'home' puts the server folder under the test user's home, 'tmpfs' under /dev/shm. */
export function useFilesServer(hs: HomeServerInfo, where: 'home' | 'tmpfs' = 'home'): FilesFixture {
  const fx = { asked: [], answers: [] } as unknown as FilesFixture
  beforeAll(async () => {
    const base = where === 'home' ? homeOf(hs.user) : '/dev/shm'
    fx.remote = path.join(base, `homeport-files-${randomBytes(4).toString('hex')}`)
    mkdirSync(fx.remote, { mode: 0o755 })
    execFileSync('chown', [`${hs.user}:${hs.user}`, fx.remote])
    fx.local = mkdtempSync(path.join(where === 'tmpfs' ? '/dev/shm' : tmpdir(), 'homeport-files-local-'))
    const prompts: Prompter = {
      async ask(request) {
        fx.asked.push({ ...request, id: String(fx.asked.length) })
        return fx.answers.shift()
      },
    }
    fx.t = await openTestCore({ prompts })
    await fx.t.call('servers.add', homeServerInput(hs))
  })
  afterAll(async () => {
    await fx.t?.close()
    if (fx.remote) rmSync(fx.remote, { recursive: true, force: true })
    if (fx.local) rmSync(fx.local, { recursive: true, force: true })
  })
  return fx
}

/** Starts a transfer and waits for its job; the job itself when it did not succeed. */
export async function finished(t: TestCore, started: Promise<{ jobId: string }>): Promise<JobDto> {
  const { jobId } = await started
  return t.finishedJob(jobId)
}

export function resultOf(job: JobDto): TransferJobResult {
  if (job.state !== 'succeeded') throw new Error(`job ${job.kind} ${job.state}: ${JSON.stringify(job.error)}\n${job.log.join('\n')}`)
  return job.result as TransferJobResult
}
