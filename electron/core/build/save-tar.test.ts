import { createHash } from 'node:crypto'
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { create as createTar, list as listTar, extract as extractTar } from 'tar'
import { afterEach, describe, expect, it } from 'vitest'
import { chainIds } from './image-layers.js'
import { filteredTar, planSend, readSavedImage } from './save-tar.js'

const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex')
const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

interface Fixture {
  archive: string
  layerFiles: string[]
  diffIds: string[]
  names: string[]
}

/** A saved image with two layers, as Docker ≤ 24 (`<id>/layer.tar`, manifest.json last) or 25+ (OCI layout) writes it. */
async function savedImage(layout: 'legacy' | 'oci'): Promise<Fixture> {
  const root = mkdtempSync(join(tmpdir(), 'homeport-save-test-'))
  dirs.push(root)
  const tree = join(root, 'tree')
  const layers = [Buffer.alloc(300_000, 'a'), Buffer.alloc(5_000, 'b')]
  const diffIds = layers.map((l) => `sha256:${sha(l)}`)
  const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: diffIds } })
  const files: [string, string | Buffer][] = []
  let layerFiles: string[]
  let configFile: string
  if (layout === 'legacy') {
    layerFiles = layers.map((_, i) => `${sha(`v1-${i}`)}/layer.tar`)
    layerFiles.forEach((f, i) => files.push([f.replace('layer.tar', 'VERSION'), '1.0'], [f.replace('layer.tar', 'json'), '{}'], [f, layers[i]!]))
    configFile = `${sha(config)}.json`
    files.push([configFile, config], ['repositories', '{}'])
  } else {
    layerFiles = diffIds.map((d) => `blobs/sha256/${d.slice(7)}`)
    layerFiles.forEach((f, i) => files.push([f, layers[i]!]))
    configFile = `blobs/sha256/${sha(config)}`
    files.push([configFile, config], ['index.json', '{"schemaVersion":2,"manifests":[]}'], ['oci-layout', '{"imageLayoutVersion":"1.0.0"}'])
  }
  // A name longer than ustar's 100 characters: it goes in a PAX header that must travel with its entry.
  files.push([`${'long-name-'.repeat(12)}.txt`, 'pax'])
  files.push(['manifest.json', JSON.stringify([{ Config: configFile, RepoTags: ['homeport-deploy/app:1'], Layers: layerFiles }])])
  for (const [name, content] of files) {
    mkdirSync(dirname(join(tree, name)), { recursive: true })
    writeFileSync(join(tree, name), content)
  }
  const archive = join(root, 'image.tar')
  await pipeline(createTar({ cwd: tree, portable: true, noDirRecurse: true }, files.map(([n]) => n)), createWriteStream(archive))
  return { archive, layerFiles, diffIds, names: files.map(([n]) => n) }
}

async function namesIn(archive: string): Promise<string[]> {
  const names: string[] = []
  await listTar({ file: archive, strict: true, onReadEntry: (e) => names.push(e.path) })
  return names
}

async function sendTo(archive: string, present: Set<string>): Promise<{ out: string; plan: ReturnType<typeof planSend> }> {
  const saved = await readSavedImage(archive)
  const plan = planSend(saved, present)
  const out = `${archive}.sent`
  await pipeline(filteredTar(archive, plan), createWriteStream(out))
  return { out, plan }
}

describe.each(['legacy', 'oci'] as const)('a saved image (%s layout) cut down to what the server lacks', (layout) => {
  it('reads the layout, the layers in order and their chain IDs', async () => {
    const f = await savedImage(layout)
    const saved = await readSavedImage(f.archive)
    expect(saved.layout).toBe(layout)
    expect(saved.layers[0]!.map((l) => l.file)).toEqual(f.layerFiles)
    expect(saved.layers[0]!.map((l) => l.chainId)).toEqual(chainIds(f.diffIds))
    expect(saved.bytes).toBe(statSync(f.archive).size)
  })

  it('leaves out the file of a layer whose chain the server has; the rest is a valid tar, byte for byte', async () => {
    const f = await savedImage(layout)
    const { out, plan } = await sendTo(f.archive, new Set([chainIds(f.diffIds)[0]!]))
    expect(plan).toMatchObject({ layers: 2, layersSent: 1 })
    expect(plan.bytesSent).toBe(statSync(out).size)
    expect(plan.bytesSent).toBeLessThan(plan.bytesFull - 300_000)
    expect(await namesIn(out)).toEqual(f.names.filter((n) => n !== f.layerFiles[0]))
    const back = join(dirname(out), 'back')
    mkdirSync(back)
    await extractTar({ file: out, cwd: back, strict: true })
    expect(readFileSync(join(back, f.layerFiles[1]!))).toEqual(Buffer.alloc(5_000, 'b'))
    expect(readFileSync(join(back, `${'long-name-'.repeat(12)}.txt`), 'utf8')).toBe('pax')
    expect(JSON.parse(readFileSync(join(back, 'manifest.json'), 'utf8'))[0].Layers).toEqual(f.layerFiles)
  })

  it('sends no layer when the server has them all, and every layer when it has none', async () => {
    const f = await savedImage(layout)
    const none = await sendTo(f.archive, new Set(chainIds(f.diffIds)))
    expect(none.plan.layersSent).toBe(0)
    expect(await namesIn(none.out)).toEqual(f.names.filter((n) => !f.layerFiles.includes(n)))
    const all = await sendTo(f.archive, new Set())
    expect(all.plan.layersSent).toBe(2)
    expect(await namesIn(all.out)).toEqual(f.names)
  })

  it('needs the layer chain, not the diff ID alone: the same layer on another base is missing', async () => {
    const f = await savedImage(layout)
    // The server holds the second diff ID, but on top of some other layer: a different chain.
    const elsewhere = chainIds([`sha256:${sha('other')}`, f.diffIds[1]!])[1]!
    const { plan } = await sendTo(f.archive, new Set([elsewhere]))
    expect(plan.layersSent).toBe(2)
  })
})

describe('a saved image that is not as Docker writes it', () => {
  it('names what is wrong', async () => {
    const root = mkdtempSync(join(tmpdir(), 'homeport-save-test-'))
    dirs.push(root)
    writeFileSync(join(root, 'repositories'), '{}')
    await pipeline(createTar({ cwd: root, portable: true }, ['repositories']), createWriteStream(join(root, 'x.tar')))
    await expect(readSavedImage(join(root, 'x.tar'))).rejects.toThrow('manifest.json is missing')
  })
})
