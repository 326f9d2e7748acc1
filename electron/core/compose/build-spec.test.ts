import { describe, expect, it } from 'vitest'
import { configHash } from './config-hash.js'
import { loadCompose } from './index.js'

const load = (yamlText: string, values: Record<string, string> = {}) => loadCompose({ yamlText, values, projectName: 'shop', projectDir: '/srv/shop' })

describe('build:', () => {
  it('takes a folder as the string form and runs the image as homeport/<app>-<service>:latest', () => {
    const { project } = load('services:\n  Api:\n    build: ./api\n')
    expect(project.services.Api.build).toEqual({ context: './api', args: {}, labels: {} })
    expect(project.services.Api.image).toBe('homeport/shop-api:latest')
  })

  it('reads context, dockerfile, args (map, list, from the variables), target and labels; image: gives the tag', () => {
    const { project, warnings } = load(
      [
        'services:',
        '  web:',
        '    image: registry.local:5000/shop/web:2.1',
        '    build:',
        '      context: src',
        '      dockerfile: docker/Web.dockerfile',
        '      args: [GREETING=hi, FROM_ENV, UNSET]',
        '      target: runtime',
        '      labels: {team: shop}',
        '      cache_from: [x]',
      ].join('\n'),
      { FROM_ENV: 'yes' },
    )
    expect(project.services.web.build).toEqual({
      context: 'src',
      dockerfile: 'docker/Web.dockerfile',
      args: { GREETING: 'hi', FROM_ENV: 'yes' },
      target: 'runtime',
      labels: { team: 'shop' },
      alsoTag: 'registry.local:5000/shop/web:2.1',
    })
    expect(project.services.web.image).toBe('homeport/shop-web:2.1')
    expect(warnings).toContainEqual({ path: 'services.web.build.cache_from', message: expect.stringContaining('ignored') })
  })

  it('defaults the context to the compose file folder, and a registry port is not a tag', () => {
    const { project } = load('services:\n  web:\n    image: registry.local:5000/web\n    build: {dockerfile: Other}\n')
    expect(project.services.web.build?.context).toBe('.')
    expect(project.services.web.image).toBe('homeport/shop-web:latest')
  })

  it('refuses what the build cannot honour, each with its own message', () => {
    expect(() => load('services:\n  web:\n    build: {context: ., dockerfile_inline: "FROM x"}\n')).toThrow(/services\.web\.build\.dockerfile_inline: dockerfile_inline is not supported/)
    expect(() => load('services:\n  web:\n    build: git@github.com:me/app.git\n')).toThrow(/services\.web\.build\.context: a remote build context/)
  })

  it('leaves how the image is built out of the container configuration hash', () => {
    const a = load('services:\n  web:\n    build: {context: ., args: {V: "1"}}\n').project.services.web
    const b = load('services:\n  web:\n    build: {context: ., args: {V: "2"}}\n').project.services.web
    expect(configHash(a)).toBe(configHash(b))
  })
})
