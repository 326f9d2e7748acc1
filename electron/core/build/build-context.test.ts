import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Parser, type ReadEntry } from 'tar'
import { afterEach, describe, expect, it } from 'vitest'
import { listBuildContext, tarBuildContext } from './build-context.js'

const dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))
})

async function folder(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'homeport-ctx-test-'))
  dirs.push(dir)
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true })
    await writeFile(join(dir, path), text)
  }
  return dir
}

async function tarNames(dir: string, dockerfile?: string): Promise<string[]> {
  const context = await listBuildContext(dir, dockerfile)
  const names: string[] = []
  const parser = new Parser({ onReadEntry: (entry: ReadEntry) => {
    names.push(`${entry.type === 'SymbolicLink' ? 'link ' : ''}${entry.path}`)
    entry.resume()
  } })
  for await (const chunk of tarBuildContext(dir, context)) parser.write(chunk as Buffer)
  parser.end()
  return names
}

describe('build context', () => {
  it('sends what .dockerignore leaves, the Dockerfile and .dockerignore always, links as links', async () => {
    const dir = await folder({
      'docker/App.dockerfile': 'FROM x',
      '.dockerignore': '*\n!src\n',
      'src/a.txt': 'a',
      'src/deep/b.txt': 'b',
      'other.txt': 'o',
    })
    await symlink('a.txt', join(dir, 'src', 'link'))
    expect(await tarNames(dir, 'docker/App.dockerfile')).toEqual(['.dockerignore', 'docker/App.dockerfile', 'src/', 'src/a.txt', 'src/deep/', 'src/deep/b.txt', 'link src/link'])
  })

  it('does not walk an ignored folder unless an exception may take something back from it', async () => {
    const dir = await folder({ Dockerfile: 'FROM x', '.dockerignore': 'node_modules\n', 'node_modules/p/i.js': 'x', 'main.js': 'm' })
    const context = await listBuildContext(dir)
    expect(context.entries).toEqual(['.dockerignore', 'Dockerfile', 'main.js'])
    expect(context).toMatchObject({ files: 3, dockerfile: 'Dockerfile' })
  })

  it('refuses a missing Dockerfile and a Dockerfile outside the context, naming them', async () => {
    const dir = await folder({ 'inner/main.js': 'm', Dockerfile: 'FROM x' })
    await expect(listBuildContext(join(dir, 'inner'))).rejects.toMatchObject({ code: 'BUILD_CONTEXT_INVALID', message: expect.stringContaining(`no Dockerfile at ${join(dir, 'inner', 'Dockerfile')}`) })
    await expect(listBuildContext(join(dir, 'inner'), '../Dockerfile')).rejects.toMatchObject({ code: 'BUILD_CONTEXT_INVALID', message: expect.stringContaining('is not inside the build folder') })
    await expect(listBuildContext(join(dir, 'Dockerfile'))).rejects.toMatchObject({ code: 'BUILD_CONTEXT_INVALID', message: expect.stringContaining('is not a folder') })
  })
})
