import { describe, expect, it } from 'vitest'
import type { ComposeError } from './problems.js'
import { containerSpec } from './engine/container-spec.js'
import { configHash, loadCompose } from './index.js'
import { attachSecretDigests, usedSecrets } from './secrets.js'

const DIR = '/home/me/.local/share/homeport/apps/demo'

function load(yamlText: string, values: Record<string, string> = {}) {
  return loadCompose({ yamlText, values, projectName: 'demo', projectDir: DIR, serverHome: '/home/me' })
}

function failure(yamlText: string): ComposeError {
  try {
    load(yamlText)
  } catch (err) {
    return err as ComposeError
  }
  throw new Error('loaded')
}

const FILE = `services:
  app:
    image: busybox
    secrets:
      - token
      - source: key
        target: api.key
        mode: 0440
        uid: "1000"
      - source: key
        target: /etc/app/key
  other:
    image: busybox
    secrets: [token]
secrets:
  token:
    file: ./secrets/token.txt
  key:
    environment: API_KEY
  unused:
    file: nowhere.txt
`

describe('compose secrets', () => {
  it('normalises the short and long forms: /run/secrets/<target or name>, mode 0400 unless the file says', () => {
    const { project, warnings } = load(FILE)
    expect(project.secrets).toEqual({ token: { file: './secrets/token.txt' }, key: { environment: 'API_KEY' }, unused: { file: 'nowhere.txt' } })
    expect(project.services.app.secrets).toEqual([
      { source: 'token', target: '/run/secrets/token', mode: 0o400 },
      { source: 'key', target: '/run/secrets/api.key', mode: 0o440 },
      { source: 'key', target: '/etc/app/key', mode: 0o400 },
    ])
    expect(warnings).toContainEqual({ path: 'services.app.secrets[1].uid', message: 'uid is ignored without Swarm; the file belongs to the SSH user on the server' })
    expect(project.services.other.secrets).toEqual([{ source: 'token', target: '/run/secrets/token', mode: 0o400 }])
  })

  it('lists only the secrets services use, each with the widest mode asked for', () => {
    const used = usedSecrets(load(FILE).project)
    expect([...used.keys()].sort()).toEqual(['key', 'token'])
    expect(used.get('key')).toEqual({ source: { environment: 'API_KEY' }, mode: 0o440, services: ['app'] })
    expect(used.get('token')?.services).toEqual(['app', 'other'])
  })

  it('bind-mounts each secret read-only from the app folder on the server', () => {
    const { project } = load(FILE)
    const spec = containerSpec({ project, service: project.services.app, image: 'busybox', configHash: 'h' })
    const mounts = (spec.body.HostConfig as { Mounts: unknown[] }).Mounts
    expect(mounts).toEqual(
      expect.arrayContaining([
        { Type: 'bind', Source: `${DIR}/secrets/token`, Target: '/run/secrets/token', ReadOnly: true },
        { Type: 'bind', Source: `${DIR}/secrets/key`, Target: '/run/secrets/api.key', ReadOnly: true },
        { Type: 'bind', Source: `${DIR}/secrets/key`, Target: '/etc/app/key', ReadOnly: true },
      ]),
    )
  })

  it("hashes the secret's SHA-256 into the config hash, so a changed content recreates, and leaves services without secrets as they were", () => {
    const a = load(FILE).project
    const b = load(FILE).project
    const before = configHash(a.services.app)
    attachSecretDigests(a, { token: '1'.repeat(64), key: '2'.repeat(64) })
    attachSecretDigests(b, { token: '3'.repeat(64), key: '2'.repeat(64) })
    expect(configHash(a.services.app)).not.toBe(before)
    expect(configHash(a.services.app)).not.toBe(configHash(b.services.app))
    expect(a.services.app.secrets?.[0].sha256).toBe('1'.repeat(64))
    const plain = load('services:\n  app:\n    image: busybox\n').project.services.app
    expect(plain.secrets).toBeUndefined()
    expect(configHash(plain)).toBe(configHash({ ...plain }))
    expect(JSON.stringify(plain)).not.toContain('secrets')
  })

  it('refuses external secrets (Swarm only) and secrets used but not defined, naming each', () => {
    const external = failure('services:\n  app:\n    image: busybox\n    secrets: [db]\nsecrets:\n  db:\n    external: true\n')
    expect(external.code).toBe('COMPOSE_UNSUPPORTED')
    expect(external.problems[0]).toMatchObject({ path: 'secrets.db.external', message: expect.stringMatching(/only in Docker Swarm/) })
    const undefinedSecret = failure('services:\n  app:\n    image: busybox\n    secrets: [db]\n')
    expect(undefinedSecret.problems[0]).toMatchObject({ code: 'COMPOSE_INVALID', path: 'services.app.secrets', message: 'uses secret "db", which is not defined under the top-level secrets:' })
  })

  it('refuses a target that is a relative path, a mode that is not one, and two secrets on one path', () => {
    const err = failure(`services:
  app:
    image: busybox
    secrets:
      - {source: a, target: ../etc/passwd}
      - {source: a, mode: rw}
      - {source: a, target: same}
      - {source: b, target: same}
secrets:
  a: {file: a.txt}
  b: {file: b.txt}
`)
    expect(err.problems.map((p) => p.path)).toEqual(['services.app.secrets[0].target', 'services.app.secrets[1].mode', 'services.app.secrets[3]'])
  })
})
