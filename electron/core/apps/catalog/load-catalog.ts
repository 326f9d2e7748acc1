// Reads a catalog from a folder, a local file, or an https URL (JSON, .zip, .tar.gz) and tells the format
// apart by what it holds, so a user can paste a CasaOS store archive, an Umbrel repo or a Portainer URL.

import { mkdtemp, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { get as httpsGet } from 'node:https'
import { tmpdir } from 'node:os'
import { dirname, isAbsolute, join, normalize, sep } from 'node:path'
import { unzipSync } from 'fflate'
import { x as untar } from 'tar'
import { HomeportError } from '../../../../shared/errors.js'
import { readCasaOSApp } from './casaos.js'
import { readHomeportApp } from './homeport-format.js'
import { readPortainerTemplates } from './portainer.js'
import type { CatalogApp, CatalogLoadResult, CatalogSkip, CatalogSource } from './types.js'
import { readUmbrelApp } from './umbrel.js'

const MAX_DOWNLOAD = 64 * 1024 * 1024
const MAX_DEPTH = 4

type Candidate = { kind: CatalogSource; path: string }

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  )
}

async function findCandidates(dir: string, depth: number, out: Candidate[]): Promise<void> {
  if (depth > MAX_DEPTH) return
  if (await exists(join(dir, 'umbrel-app.yml'))) return void out.push({ kind: 'umbrel', path: dir })
  if ((await exists(join(dir, 'app.yml'))) && (await exists(join(dir, 'compose.yml')))) return void out.push({ kind: 'bundled', path: dir })
  const compose = join(dir, 'docker-compose.yml')
  if ((await exists(compose)) && (await readFile(compose, 'utf8')).includes('x-casaos')) return void out.push({ kind: 'casaos', path: compose })
  const entries = await readdir(dir, { withFileTypes: true })
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules') await findCandidates(join(dir, e.name), depth + 1, out)
  }
}

const readers: Record<CatalogSource, (path: string) => Promise<CatalogApp>> = {
  bundled: readHomeportApp,
  casaos: readCasaOSApp,
  umbrel: readUmbrelApp,
  portainer: () => Promise.reject(new Error('Portainer templates are JSON files')),
}

export async function loadCatalogFolder(root: string): Promise<CatalogLoadResult> {
  const jsonFiles = (await readdir(root)).filter((n) => n.endsWith('.json'))
  for (const name of jsonFiles) {
    // Any other JSON (or a broken one) in the folder is not a templates file; the folder is searched for apps.
    let json: { templates?: unknown } | undefined
    try {
      json = JSON.parse(await readFile(join(root, name), 'utf8')) as { templates?: unknown }
    } catch {
      continue
    }
    if (json && Array.isArray(json.templates)) return readPortainerTemplates(json, join(root, name))
  }
  const candidates: Candidate[] = []
  await findCandidates(root, 0, candidates)
  if (candidates.length === 0) {
    throw new HomeportError('INVALID_INPUT', `No apps found in ${root}.`, {
      hint: 'A catalog is a folder (or archive) of CasaOS apps (docker-compose.yml with x-casaos), Umbrel apps (umbrel-app.yml + docker-compose.yml), Homeport apps (app.yml + compose.yml), or a Portainer templates JSON file.',
    })
  }
  const counts = new Map<CatalogSource, number>()
  for (const c of candidates) counts.set(c.kind, (counts.get(c.kind) ?? 0) + 1)
  const format = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0]
  const apps: CatalogApp[] = []
  const skipped: CatalogSkip[] = []
  const ids = new Set<string>()
  for (const c of candidates) {
    const ref = c.path.startsWith(root) ? c.path.slice(root.length + 1) || c.path : c.path
    try {
      const app = await readers[c.kind](c.path)
      if (ids.has(app.id)) throw new Error(`duplicate app id "${app.id}"`)
      ids.add(app.id)
      apps.push(app)
    } catch (err) {
      skipped.push({ ref, reason: err instanceof Error ? err.message : String(err) })
    }
  }
  return { format, apps, skipped }
}

function download(url: string, ca?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = httpsGet(url, { ca, timeout: 30_000 }, (res) => {
      if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && res.headers.location) {
        res.resume()
        return resolve(download(new URL(res.headers.location, url).toString(), ca))
      }
      if (res.statusCode !== 200) {
        res.resume()
        return reject(new HomeportError('UNREACHABLE', `${url} answered HTTP ${res.statusCode}.`, { hint: 'Check the catalog URL.' }))
      }
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (c: Buffer) => {
        size += c.length
        if (size > MAX_DOWNLOAD) req.destroy(new Error(`larger than ${MAX_DOWNLOAD / 1024 / 1024} MiB`))
        else chunks.push(c)
      })
      res.on('end', () => resolve(Buffer.concat(chunks)))
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error('timed out')))
    req.on('error', (err) =>
      reject(err instanceof HomeportError ? err : new HomeportError('UNREACHABLE', `Could not download ${url}.`, { details: err.message, hint: 'Check the URL and your network.' })),
    )
  })
}

function safeEntryPath(root: string, name: string): string {
  const clean = normalize(name)
  if (isAbsolute(clean) || clean.split(sep).includes('..')) throw new HomeportError('INVALID_INPUT', `The archive contains an unsafe path: ${name}`, { hint: 'Use a catalog archive from a source you trust.' })
  return join(root, clean)
}

async function extract(data: Buffer, name: string, into: string): Promise<void> {
  if (name.endsWith('.zip') || (data[0] === 0x50 && data[1] === 0x4b)) {
    const files = unzipSync(new Uint8Array(data))
    for (const [entry, content] of Object.entries(files)) {
      if (entry.endsWith('/')) continue
      const target = safeEntryPath(into, entry)
      await mkdir(dirname(target), { recursive: true })
      await writeFile(target, content)
    }
    return
  }
  const archive = join(into, '..', 'catalog.tar.gz')
  await writeFile(archive, data)
  // tar's default filter already refuses absolute paths and '..' (strict mode makes that an error).
  await untar({ file: archive, cwd: into, strict: true })
}

function parseJson(data: Buffer, source: string): unknown {
  try {
    return JSON.parse(data.toString('utf8'))
  } catch (err) {
    throw new HomeportError('INVALID_INPUT', `${source} is not valid JSON, so it cannot be read as Portainer templates.`, {
      hint: 'Give a Portainer templates file (JSON with a "templates" list), a catalog folder, or an archive of one.',
      details: err instanceof Error ? err.message : String(err),
    })
  }
}

/** `source`: a folder, a .json/.zip/.tar.gz file, or an https URL to one. */
export async function loadCatalog(source: string, opts: { ca?: string } = {}): Promise<CatalogLoadResult> {
  if (/^http:\/\//i.test(source)) {
    throw new HomeportError('INVALID_INPUT', `Refusing to download a catalog over plain http: ${source}`, { hint: 'Use an https:// URL.' })
  }
  const isUrl = /^https:\/\//i.test(source)
  if (!isUrl) {
    const found = await stat(source).catch(() => undefined)
    if (!found) {
      throw new HomeportError('NOT_FOUND', `The catalog ${source} does not exist on this computer.`, {
        hint: 'Check the path of the folder or archive (.zip, .tar.gz, Portainer .json), or give an https:// URL.',
        cliHint: 'Check the path given to --catalog (a folder, .zip, .tar.gz or Portainer .json file), or give an https:// URL.',
      })
    }
    if (found.isDirectory()) return loadCatalogFolder(source)
  }
  const name = isUrl ? new URL(source).pathname : source
  const data = isUrl ? await download(source, opts.ca) : await readFile(source)
  const text = data.subarray(0, 1).toString()
  if (name.endsWith('.json') || text === '{') return readPortainerTemplates(parseJson(data, source), source)
  const work = await mkdtemp(join(tmpdir(), 'homeport-catalog-'))
  try {
    const into = join(work, 'x')
    await mkdir(into)
    await extract(data, name, into).catch((err: unknown) => {
      if (err instanceof HomeportError) throw err
      throw new HomeportError('INVALID_INPUT', `${source} is not a catalog: neither a folder nor a readable .zip, .tar.gz or .json file.`, {
        hint: 'Give a catalog folder, a .zip or .tar.gz archive of one, or a Portainer templates .json file.',
        details: err instanceof Error ? err.message : String(err),
      })
    })
    const result = await loadCatalogFolder(into)
    for (const app of result.apps) app.origin = source
    return result
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}
