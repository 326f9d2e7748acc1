// `homeport files …` against the test home server: a folder whose file names are shell traps goes up and
// comes back byte for byte, and no command ever runs one of those names.

import { spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FileListDto, TransferJobResult } from '../../../shared/contract/index.js'
import { useHomeServer } from '../../homeserver/helpers.js'
import { addHomeServer, cliSandbox, type CliSandbox } from './run-cli.js'

const hs = useHomeServer()

const TRAP = `a b 'single' "double" $(touch canary) ;x.txt`
const FOLDER = `up "folder" $(touch canary)`
const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex')
const lastJson = <T>(stdout: string): T => JSON.parse(stdout.trim().split('\n').at(-1)!) as T

describe('homeport files against the test home server', () => {
  let cli: CliSandbox
  let local: string
  const remote = `files-cli-${randomBytes(4).toString('hex')}`
  const text = Array.from({ length: 40_000 }, (_, i) => `line ${i} ${randomBytes(8).toString('hex')}`).join('\n') + '\n'

  beforeAll(async () => {
    cli = cliSandbox()
    await addHomeServer(cli, hs, 'hs')
    local = path.join(cli.home, 'local')
    fs.mkdirSync(path.join(local, FOLDER, 'inner dir'), { recursive: true })
    fs.writeFileSync(path.join(local, FOLDER, TRAP), text)
    fs.writeFileSync(path.join(local, FOLDER, 'inner dir', 'blob.bin'), randomBytes(300_000))
    const made = await cli.run(['files', 'mkdir', 'hs', remote])
    expect(made.code, made.stderr).toBe(0)
  }, 60_000)

  afterAll(async () => {
    await cli?.run(['files', 'rm', 'hs', remote, '--recursive', '--yes'])
    cli?.dispose()
  })

  it('puts a folder and gets it back with identical bytes, running none of its names', async () => {
    const put = await cli.run(['files', 'put', 'hs', path.join(local, FOLDER), remote, '--json'])
    expect(put.code, put.stderr).toBe(0)
    expect(lastJson<TransferJobResult>(put.stdout)).toMatchObject({ files: 2, bytes: text.length + 300_000 })

    const down = path.join(cli.home, 'down')
    fs.mkdirSync(down)
    const get = await cli.run(['files', 'get', 'hs', `${remote}/${FOLDER}`, down])
    expect(get.code, get.stderr).toBe(0)
    expect(get.stdout).toMatch(/^Downloaded 2 files/)
    for (const rel of [TRAP, path.join('inner dir', 'blob.bin')]) expect(sha(path.join(down, FOLDER, rel))).toBe(sha(path.join(local, FOLDER, rel)))

    for (const where of ['.', remote, `${remote}/${FOLDER}`]) {
      const listed = await cli.json<FileListDto>(['files', 'ls', 'hs', where, '--all'])
      expect(listed.entries.map((e) => e.name)).not.toContain('canary')
    }
    expect(fs.existsSync(path.join(cli.home, 'canary'))).toBe(false)
  }, 120_000)

  it('lists the folder as a table and as JSON', async () => {
    const listed = await cli.json<FileListDto>(['files', 'ls', 'hs', `${remote}/${FOLDER}`])
    expect(listed.entries.map((e) => [e.name, e.type])).toEqual([
      [TRAP, 'file'],
      ['inner dir', 'dir'],
    ])
    expect(listed.entries[0]).toMatchObject({ size: text.length, owner: hs.user })
    const table = await cli.run(['files', 'ls', 'hs', `${remote}/${FOLDER}`])
    expect(table.code, table.stderr).toBe(0)
    const lines = table.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^MODE\s+OWNER\s+GROUP\s+SIZE\s+MODIFIED\s+NAME$/)
    expect(lines.some((l) => /^-rw/.test(l) && l.endsWith(TRAP))).toBe(true)
    expect(lines.some((l) => /^d/.test(l) && l.endsWith('inner dir/'))).toBe(true)
  })

  it('cats a file byte for byte, and ends quietly when stdout closes early', async () => {
    const cat = await cli.run(['files', 'cat', 'hs', `${remote}/${FOLDER}/${TRAP}`])
    expect(cat.code, cat.stderr).toBe(0)
    expect(cat.stdout).toBe(text)

    const launcher = path.resolve('bin/homeport.js')
    const script = `"${process.execPath}" "${launcher}" files cat hs "$1" | head -c 100 >/dev/null; echo "\${PIPESTATUS[0]}"`
    const piped = await new Promise<{ out: string; err: string }>((resolve, reject) => {
      const child = spawn('bash', ['-c', script, 'bash', `${remote}/${FOLDER}/${TRAP}`], { env: cli.env })
      let out = ''
      let err = ''
      child.stdout.on('data', (d: Buffer) => (out += d.toString()))
      child.stderr.on('data', (d: Buffer) => (err += d.toString()))
      child.on('error', reject)
      child.on('close', () => resolve({ out, err }))
    })
    expect(piped.err).toBe('')
    expect(piped.out.trim()).toBe('0')
  }, 60_000)

  it('refuses a name clash without a flag, and follows --skip and --rename', async () => {
    const file = path.join(local, FOLDER, TRAP)
    const refused = await cli.run(['files', 'put', 'hs', file, `${remote}/${FOLDER}`])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/^error NAME_CLASH: .*already in/m)
    expect(refused.stderr).toMatch(/^hint: .*--overwrite.*--skip.*--rename/m)

    const merged = await cli.run(['files', 'put', 'hs', path.join(local, FOLDER), remote])
    expect(merged.code).toBe(1)
    expect(merged.stderr).toMatch(/^error NAME_CLASH: .*already exists/m)
    expect(merged.stderr).toMatch(/^hint: .*--overwrite/m)

    const skipped = lastJson<TransferJobResult>((await cli.run(['files', 'put', 'hs', file, `${remote}/${FOLDER}`, '--skip', '--json'])).stdout)
    expect(skipped).toMatchObject({ files: 0, skipped: [`${remote}/${FOLDER}/${TRAP}`] })
    const renamed = lastJson<TransferJobResult>((await cli.run(['files', 'put', 'hs', file, `${remote}/${FOLDER}`, '--rename', '--json'])).stdout)
    expect(renamed.files).toBe(1)
    expect(renamed.renamed[0]?.to).toContain('(1)')
  }, 60_000)

  it('moves and deletes, asking for --yes before deleting a folder with everything in it', async () => {
    const moved = await cli.run(['files', 'mv', 'hs', `${remote}/${FOLDER}/${TRAP}`, `${remote}/moved $(touch canary).txt`])
    expect(moved.code, moved.stderr).toBe(0)
    let names = (await cli.json<FileListDto>(['files', 'ls', 'hs', remote])).entries.map((e) => e.name)
    expect(names).toEqual(expect.arrayContaining([FOLDER, 'moved $(touch canary).txt']))

    const removedFile = await cli.run(['files', 'rm', 'hs', `${remote}/moved $(touch canary).txt`])
    expect(removedFile.code, removedFile.stderr).toBe(0)

    const unconfirmed = await cli.run(['files', 'rm', 'hs', `${remote}/${FOLDER}`, '--recursive'])
    expect(unconfirmed.code).toBe(2)
    expect(unconfirmed.stderr).toMatch(/^error INVALID_INPUT: .*needs confirmation/m)
    expect(unconfirmed.stderr).toMatch(/^hint: Add --yes/m)
    const notEmpty = await cli.run(['files', 'rm', 'hs', `${remote}/${FOLDER}`])
    expect(notEmpty.code).toBe(2)
    expect(notEmpty.stderr).toMatch(/not empty/)
    names = (await cli.json<FileListDto>(['files', 'ls', 'hs', remote])).entries.map((e) => e.name)
    expect(names).toEqual([FOLDER])

    const removed = await cli.run(['files', 'rm', 'hs', `${remote}/${FOLDER}`, '--recursive', '--yes'])
    expect(removed.code, removed.stderr).toBe(0)
    expect((await cli.json<FileListDto>(['files', 'ls', 'hs', remote])).entries).toEqual([])
    expect((await cli.json<FileListDto>(['files', 'ls', 'hs', '.', '--all'])).entries.map((e) => e.name)).not.toContain('canary')
  }, 60_000)

  it('names a missing path with NOT_FOUND (exit 1) and a bad usage with exit 2', async () => {
    for (const args of [
      ['ls', 'hs', `${remote}/no such folder`],
      ['cat', 'hs', `${remote}/no such folder`],
      ['get', 'hs', `${remote}/no such folder`, cli.home],
    ]) {
      const result = await cli.run(['files', ...args])
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(1)
      expect(result.stderr).toMatch(/^error NOT_FOUND: .*no such folder/m)
      expect(result.stderr).toMatch(/^hint: /m)
    }
    for (const args of [['ls'], ['put', 'hs', local, remote, '--skip', '--rename'], ['rm', 'hs', remote, '--yes'], ['mv', 'hs', remote]]) {
      const result = await cli.run(['files', ...args])
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2)
      expect(result.stderr).toMatch(/^error INVALID_INPUT: /m)
    }
  }, 60_000)
})
