// What a browser tab needs from the core to move files it holds: staging folders it writes dropped files
// into and uploads from, or downloads into and reads back; and small files' bytes for image previews, on
// the server and inside a volume. Each judged on the server and on disk.

import { createHash, randomBytes } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { docker, homeportFailure, removeTestContainers, useHomeServer } from '../../homeserver/helpers.js'
import { asUser, finished, resultOf, useFilesServer } from './files-fixture.js'

const hs = useHomeServer()
const fx = useFilesServer(hs)
const serverId = 'home'
const VOLUME = `hppage-${randomBytes(3).toString('hex')}`
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

beforeAll(async () => {
  await docker(['volume', 'create', VOLUME])
  await docker(['run', '--rm', '--network', 'none', '-v', `${VOLUME}:/data`, hs.images[0], 'sh', '-c', 'printf "\\211PNG-volume" > /data/logo.png'])
  await fx.t.call('settings.set', { key: 'files.volumeHelperImage', value: hs.images[0] })
})
afterAll(async () => {
  await removeTestContainers(VOLUME)
})

describe('staging for a browser tab', () => {
  it('uploads a dropped folder written in chunks, then forgets the staging folder', async () => {
    const stage = await fx.t.call('files.stageCreate', {})
    const data = randomBytes(3 * 1024 * 1024 + 5)
    const chunk = 2 * 1024 * 1024
    for (let offset = 0; offset < data.length; offset += chunk) {
      const written = await fx.t.call('files.stageWrite', { stageId: stage.stageId, name: "drop/it's a $(touch x).bin", offset, data: data.subarray(offset, offset + chunk).toString('base64') })
      expect(written.size).toBe(Math.min(offset + chunk, data.length))
    }
    await fx.t.call('files.stageWrite', { stageId: stage.stageId, name: 'drop/empty', offset: 0, data: '' })
    const job = await finished(fx.t, fx.t.call('files.upload', { serverId, sources: [path.join(stage.path, 'drop')], destination: fx.remote }))
    expect(resultOf(job).files).toBe(2)
    const up = asUser(hs, ['sha256sum', path.join(fx.remote, 'drop', "it's a $(touch x).bin")]).split(' ')[0]
    expect(up).toBe(sha(data))
    expect(existsSync(path.join(fx.remote, 'drop', 'x'))).toBe(false)
    await fx.t.call('files.stageDiscard', { stageId: stage.stageId })
    expect(existsSync(stage.path)).toBe(false)
    expect((await homeportFailure(fx.t.call('files.stageWrite', { stageId: stage.stageId, name: 'a', offset: 0, data: '' }))).code).toBe('NOT_FOUND')
  })

  it('downloads into a staging folder and reads the file back in chunks; folders and escapes are refused', async () => {
    const data = randomBytes(1024 * 1024 + 7)
    writeFileSync(path.join(fx.remote, 'down.bin'), data)
    execFileSync('chown', [`${hs.user}:${hs.user}`, path.join(fx.remote, 'down.bin')])
    const stage = await fx.t.call('files.stageCreate', {})
    resultOf(await finished(fx.t, fx.t.call('files.download', { serverId, sources: [`${fx.remote}/down.bin`, `${fx.remote}/drop`], destination: stage.path })))
    const parts: Buffer[] = []
    for (let offset = 0, size = 1; offset < size; ) {
      const got = await fx.t.call('files.stageRead', { stageId: stage.stageId, name: 'down.bin', offset, length: 300_000 })
      const bytes = Buffer.from(got.data, 'base64')
      parts.push(bytes)
      offset += bytes.length
      size = got.size
    }
    expect(sha(Buffer.concat(parts))).toBe(sha(data))
    expect(readFileSync(path.join(stage.path, 'down.bin')).length).toBe(data.length)
    const folder = await homeportFailure(fx.t.call('files.stageRead', { stageId: stage.stageId, name: 'drop', offset: 0, length: 10 }))
    expect(folder.code).toBe('INVALID_INPUT')
    expect(folder.hint).toMatch(/desktop app/)
    expect((await homeportFailure(fx.t.call('files.stageRead', { stageId: stage.stageId, name: '../etc/passwd', offset: 0, length: 10 }))).code).toBe('INVALID_INPUT')
    expect((await homeportFailure(fx.t.call('files.stageWrite', { stageId: stage.stageId, name: 'a', offset: 5, data: '' }))).code).toBe('NOT_FOUND')
    await fx.t.call('files.stageDiscard', { stageId: stage.stageId })
  })
})

describe('bytes for a preview', () => {
  it('reads a small picture on the server and in a volume, and refuses a large one', async () => {
    asUser(hs, ['sh', '-c', `printf 'PNG-bytes' > '${fx.remote}/pic.png'`])
    const pic = await fx.t.call('files.readBytes', { serverId, path: `${fx.remote}/pic.png` })
    expect(pic).toMatchObject({ mime: 'image/png', size: 9 })
    expect(Buffer.from(pic.base64, 'base64').toString()).toBe('PNG-bytes')
    const inVolume = await fx.t.call('files.readBytes', { serverId, volume: VOLUME, path: '/logo.png' })
    expect(Buffer.from(inVolume.base64, 'base64')).toEqual(Buffer.from([0o211, ...Buffer.from('PNG-volume')]))
    const big = await homeportFailure(fx.t.call('files.readBytes', { serverId, path: `${fx.remote}/pic.png`, maxBytes: 4 }))
    expect(big.code).toBe('INVALID_INPUT')
    expect(big.hint).toMatch(/Download/)
    expect((await homeportFailure(fx.t.call('files.readBytes', { serverId, volume: VOLUME, path: '/logo.png', maxBytes: 4 }))).message).toMatch(/preview/)
    expect((await homeportFailure(fx.t.call('files.readBytes', { serverId, path: fx.remote }))).code).toBe('INVALID_INPUT')
  })
})
