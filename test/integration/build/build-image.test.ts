// Image builds through the tunnel against the real test home server: the context goes from a folder on this
// computer through the one SSH connection to the engine's /build, and every outcome is checked on the engine
// itself (the image and its tag, what is inside it, a container from it answering, the cache, what is left).

import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { buildImage, type BuildProgress } from '../../../electron/core/build/build-image.js'
import { docker, homeportFailure, useHomeServer } from '../../homeserver/helpers.js'
import { useDockerService } from '../docker/test-session.js'

const info = useHomeServer()
const run = randomBytes(3).toString('hex')
const prefix = `hp-build-${run}-`
const repo = `homeport-test/build-${run}`
const busybox = () => info.images.find((i) => i.includes('/busybox:1')) as string
const folders: string[] = []

async function contextWith(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'homeport-build-ctx-'))
  folders.push(dir)
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true })
    await writeFile(join(dir, path), text)
  }
  return dir
}

const inImage = (image: string, ...cmd: string[]) => docker(['run', '--rm', '--entrypoint', '', image, ...cmd])

describe('building an image through the tunnel', () => {
  const docked = useDockerService(info, prefix)

  afterAll(async () => {
    const images = (await docker(['images', repo, '--format', '{{.Repository}}:{{.Tag}}'])).split('\n').filter(Boolean)
    if (images.length) await docker(['rmi', '-f', ...images]).catch(() => '')
    await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })))
  })

  it('builds and tags the image on the server; a container from it runs and answers', async () => {
    const dir = await contextWith({
      // busybox:1 rather than the shared httpd:1 tag, which other suites retag while testing broken updates.
      Dockerfile: `FROM ${busybox()}\nCOPY site/ /www/\nLABEL from.dockerfile=yes\nCMD ["httpd", "-f", "-p", "80", "-h", "/www"]\n`,
      'site/index.html': `hello from build ${run}\n`,
    })
    const progress: BuildProgress[] = []
    const tag = `${repo}:web`
    const result = await buildImage(await docked.service.docker(), { contextDir: dir, tags: [tag, `${repo}:web-alias`], labels: { 'io.homeport.test': run }, onProgress: (p) => progress.push(p), serverName: 'home' })

    expect(result.imageId).toMatch(/^sha256:[0-9a-f]{64}$/)
    const inspected = JSON.parse(await docker(['image', 'inspect', tag]))[0]
    expect(inspected.Id).toBe(result.imageId)
    expect(inspected.RepoTags).toEqual(expect.arrayContaining([tag, `${repo}:web-alias`]))
    expect(inspected.Config.Labels).toMatchObject({ 'io.homeport.test': run, 'from.dockerfile': 'yes' })
    // The classic builder adds the labels asked for as one more step.
    expect(progress.filter((p) => p.stepText).map((p) => p.step)).toEqual(expect.arrayContaining([1, 2, 3, 4, 5]))
    expect(progress.find((p) => p.step === 2)).toMatchObject({ steps: 5, stepText: 'Step 2/5 : COPY site/ /www/' })
    expect(result.log[0]).toMatch(/^Sending the build context to home: 2 files/)

    const name = `${prefix}web`
    await docker(['run', '-d', '--name', name, tag])
    await expect.poll(() => docker(['exec', name, 'wget', '-qO-', 'http://127.0.0.1/index.html']).catch(() => ''), { timeout: 30_000 }).toBe(`hello from build ${run}\n`)
  })

  it('leaves out what .dockerignore names, takes back `!` exceptions and matches `**`', async () => {
    const dir = await contextWith({
      Dockerfile: `FROM ${busybox()}\nCOPY . /ctx/\n`,
      '.dockerignore': '# comment\nsecret.env\n**/*.log\nnode_modules\ndocs/*\n!docs/keep.md\n',
      'secret.env': 'PASSWORD=1',
      'app/main.sh': 'echo hi',
      'app/deep/trace.log': 'x',
      'top.log': 'x',
      'node_modules/pkg/index.js': 'x',
      'docs/drop.md': 'x',
      'docs/keep.md': 'x',
    })
    const tag = `${repo}:ignore`
    await buildImage(await docked.service.docker(), { contextDir: dir, tags: [tag] })
    const listed = (await inImage(tag, 'find', '/ctx', '-type', 'f')).split('\n').filter(Boolean).sort()
    expect(listed).toEqual(['/ctx/.dockerignore', '/ctx/Dockerfile', '/ctx/app/main.sh', '/ctx/docs/keep.md'])
  })

  it('applies build args and stops at the target stage', async () => {
    const dir = await contextWith({
      'build/App.dockerfile': [
        `FROM ${busybox()} AS base`,
        'ARG GREETING=unset',
        'RUN echo "$GREETING" > /greeting',
        'FROM base AS final',
        'RUN touch /final-stage',
        '',
      ].join('\n'),
    })
    const base = `${repo}:base`
    await buildImage(await docked.service.docker(), { contextDir: dir, dockerfile: 'build/App.dockerfile', tags: [base], args: { GREETING: `hi-${run}` }, target: 'base' })
    expect(await inImage(base, 'cat', '/greeting')).toBe(`hi-${run}\n`)
    expect(await inImage(base, 'sh', '-c', 'test -e /final-stage && echo there || echo absent')).toBe('absent\n')

    const final = `${repo}:final`
    await buildImage(await docked.service.docker(), { contextDir: dir, dockerfile: 'build/App.dockerfile', tags: [final], args: { GREETING: `hi-${run}` } })
    expect(await inImage(final, 'sh', '-c', 'test -e /final-stage && echo there || echo absent')).toBe('there\n')
  })

  it("reuses the server's cache: a second build of an unchanged context takes every step from it", async () => {
    const dir = await contextWith({
      Dockerfile: `FROM ${busybox()}\nCOPY data.txt /data.txt\nRUN cat /data.txt > /copy.txt\nENV BUILT=${run}\n`,
      'data.txt': `fresh content ${run}\n`,
    })
    const tag = `${repo}:cache`
    const first = await buildImage(await docked.service.docker(), { contextDir: dir, tags: [tag] })
    expect(first.steps).toBe(4)
    expect(first.cachedSteps).toBe(0)
    const second = await buildImage(await docked.service.docker(), { contextDir: dir, tags: [tag] })
    // FROM has no cache line; every step after it is a cache hit.
    expect(second.steps).toBe(4)
    expect(second.cachedSteps).toBe(3)
    expect(second.imageId).toBe(first.imageId)

    await writeFile(join(dir, 'data.txt'), `changed ${run}\n`)
    const third = await buildImage(await docked.service.docker(), { contextDir: dir, tags: [tag] })
    expect(third.cachedSteps).toBe(0)
    expect(await inImage(tag, 'cat', '/copy.txt')).toBe(`changed ${run}\n`)
  })

  it('reports a failing RUN step with its step and output, leaving no build container', async () => {
    const marker = `fail-${run}`
    const dir = await contextWith({ Dockerfile: `FROM ${busybox()}\nENV A=1\nRUN echo ${marker}-out && echo ${marker}-err >&2 && exit 3\n` })
    const err = await homeportFailure(buildImage(await docked.service.docker(), { contextDir: dir, tags: [`${repo}:fail`] }))
    expect(err.code).toBe('BUILD_FAILED')
    expect(err.message).toContain(`Step 3/3 : RUN echo ${marker}-out`)
    expect(err.message).toMatch(/non-zero code: 3/)
    expect(err.details).toContain(`${marker}-out`)
    expect(err.details).toContain(`${marker}-err`)
    expect(await docker(['ps', '-a', '--no-trunc', '--format', '{{.Command}}'])).not.toContain(marker)
    expect(await docker(['images', '-q', `${repo}:fail`])).toBe('')
  })

  it('names a Dockerfile the engine cannot parse', async () => {
    const dir = await contextWith({ Dockerfile: `FROM ${busybox()}\nFORM nothing\n` })
    const err = await homeportFailure(buildImage(await docked.service.docker(), { contextDir: dir, tags: [`${repo}:parse`] }))
    expect(err.code).toBe('BUILD_FAILED')
    expect(`${err.message} ${err.details}`).toMatch(/unknown instruction: FORM/i)
  })

  it('says so when a Dockerfile needs BuildKit, which a plain API call does not get', async () => {
    const dir = await contextWith({ Dockerfile: `FROM ${busybox()}\nRUN --mount=type=cache,target=/c true\n` })
    const err = await homeportFailure(buildImage(await docked.service.docker(), { contextDir: dir, tags: [`${repo}:buildkit`] }))
    expect(err.code).toBe('BUILD_FAILED')
    expect(`${err.message} ${err.details}`).toMatch(/BuildKit/)
  })

  it('a cancelled build stops on the server and leaves nothing running', async () => {
    const marker = `cancel-${run}`
    const dir = await contextWith({ Dockerfile: `FROM ${busybox()}\nRUN echo ${marker} && sleep 300\n` })
    const controller = new AbortController()
    const building = buildImage(await docked.service.docker(), {
      contextDir: dir,
      tags: [`${repo}:cancel`],
      signal: controller.signal,
      onProgress: (p) => {
        if (p.line === marker) controller.abort()
      },
    })
    const err = await homeportFailure(building)
    expect(err.code).toBe('CANCELLED')
    await expect.poll(() => docker(['ps', '-a', '--no-trunc', '--format', '{{.Command}}']), { timeout: 30_000 }).not.toContain(marker)
    expect(await docker(['images', '-q', `${repo}:cancel`])).toBe('')
  })

  it('refuses a missing folder and a Dockerfile outside the context before sending anything', async () => {
    const missing = await homeportFailure(buildImage(await docked.service.docker(), { contextDir: join(tmpdir(), `no-such-${run}`), tags: [`${repo}:x`] }))
    expect(missing).toMatchObject({ code: 'BUILD_CONTEXT_INVALID', message: expect.stringContaining(`no-such-${run}`) })
    const dir = await contextWith({ 'inner/Dockerfile': `FROM ${busybox()}\n` })
    const outside = await homeportFailure(buildImage(await docked.service.docker(), { contextDir: join(dir, 'inner'), dockerfile: '../Dockerfile', tags: [`${repo}:x`] }))
    expect(outside).toMatchObject({ code: 'BUILD_CONTEXT_INVALID', message: expect.stringContaining('is not inside the build folder') })
  })
})
