import { describe, expect, it } from 'vitest'
import { configHash, loadCompose, parseBytes, parseDurationNs, SERVER_HOME_PLACEHOLDER, splitShellWords, type ComposeService } from './index.js'

function service(yamlBody: string, opts: { envFileText?: string; values?: Record<string, string> } = {}): ComposeService {
  const yamlText = `services:\n  web:\n    image: nginx\n${yamlBody.replace(/^/gm, '    ')}\nvolumes:\n  data:\nnetworks:\n  front:\n`
  return loadCompose({ yamlText, projectName: 'demo', projectDir: '/srv/apps/demo', serverHome: '/home/me', ...opts }).project.services.web
}

describe('ports', () => {
  it('normalises every short and long form to one shape', () => {
    const web = service(`ports:
  - 80
  - "8080:80"
  - "127.0.0.1:8443:443/udp"
  - "[::1]:9000:9000"
  - "127.0.0.1::5000"
  - "7000-7001:7000-7001"
  - target: 3000
    published: "3001"
  - target: "4000"
    published: 4001
    host_ip: 10.0.0.1
    protocol: udp`)
    expect(web.ports).toEqual([
      { target: 80, protocol: 'tcp' },
      { target: 80, published: 8080, protocol: 'tcp' },
      { target: 443, published: 8443, hostIp: '127.0.0.1', protocol: 'udp' },
      { target: 9000, published: 9000, hostIp: '::1', protocol: 'tcp' },
      { target: 5000, hostIp: '127.0.0.1', protocol: 'tcp' },
      { target: 7000, published: 7000, protocol: 'tcp' },
      { target: 7001, published: 7001, protocol: 'tcp' },
      { target: 3000, published: 3001, protocol: 'tcp' },
      { target: 4000, published: 4001, hostIp: '10.0.0.1', protocol: 'udp' },
    ])
  })

  it('lets the same host port serve tcp and udp', () => {
    expect(service('ports: ["53:53/tcp", "53:53/udp"]').ports).toHaveLength(2)
  })
})

describe('volumes', () => {
  it('resolves named, bind, relative, home, anonymous, tmpfs and long forms', () => {
    const web = service(`volumes:
  - data:/var/lib/data
  - ./html:/usr/share/nginx/html:ro
  - ../shared:/shared:rw,z
  - ~/media:/media
  - /etc/localtime:/etc/localtime:ro
  - /cache
  - type: bind
    source: ./conf
    target: /conf
    read_only: true
  - type: volume
    source: data
    target: /more
    volume:
      nocopy: true
  - type: tmpfs
    target: /run
    tmpfs:
      size: 64m
tmpfs: /tmp`)
    expect(web.mounts).toEqual([
      { type: 'volume', source: 'data', target: '/var/lib/data', readOnly: false, noCopy: false },
      { type: 'bind', source: '/srv/apps/demo/html', target: '/usr/share/nginx/html', readOnly: true, createHostPath: true },
      { type: 'bind', source: '/srv/apps/shared', target: '/shared', readOnly: false, selinux: 'z', createHostPath: true },
      { type: 'bind', source: '/home/me/media', target: '/media', readOnly: false, createHostPath: true },
      { type: 'bind', source: '/etc/localtime', target: '/etc/localtime', readOnly: true, createHostPath: true },
      { type: 'anonymous', target: '/cache', readOnly: false },
      { type: 'bind', source: '/srv/apps/demo/conf', target: '/conf', readOnly: true, createHostPath: false },
      { type: 'volume', source: 'data', target: '/more', readOnly: false, noCopy: true },
      { type: 'tmpfs', target: '/run', sizeBytes: 64 * 1024 ** 2 },
      { type: 'tmpfs', target: '/tmp' },
    ])
  })

  it('uses a placeholder for ~ when the server home is not known yet', () => {
    const { project } = loadCompose({ yamlText: 'services:\n  a:\n    image: x\n    volumes: ["~/d:/d"]\n', projectName: 'p', projectDir: '/srv/p' })
    expect(project.services.a.mounts[0]).toMatchObject({ source: `${SERVER_HOME_PLACEHOLDER}/d` })
  })

  it('names project volumes and networks like Compose', () => {
    const { project } = loadCompose({
      yamlText: 'services:\n  a:\n    image: x\n    networks: [front]\nnetworks:\n  front:\n  ext:\n    external: true\nvolumes:\n  data:\n  named:\n    name: exact\n',
      projectName: 'demo',
      projectDir: '/srv/demo',
    })
    expect(project.volumes.data.name).toBe('demo_data')
    expect(project.volumes.named.name).toBe('exact')
    expect(project.networks.front.name).toBe('demo_front')
    expect(project.networks.ext).toMatchObject({ name: 'ext', external: true })
    expect(project.networks.default).toBeUndefined()
  })
})

describe('environment, labels and friends', () => {
  it('reads environment as a list or a map, taking bare names from the variables; given values beat .env', () => {
    const list = service('environment:\n  - A=1\n  - B=x=y\n  - FROM_ENV\n  - NOT_SET', { envFileText: 'FROM_ENV=dotenv\nTAG=old', values: { FROM_ENV: 'given' } })
    expect(list.environment).toEqual({ A: '1', B: 'x=y', FROM_ENV: 'given' })
    const map = service('environment:\n  A: 1\n  B: true\n  C: null\n  D: ""', { values: { C: 'c' } })
    expect(map.environment).toEqual({ A: '1', B: 'true', C: 'c', D: '' })
  })

  it('reads env_file in its three forms', () => {
    const web = service('env_file:\n  - ./a.env\n  - path: /etc/b.env\n    required: false')
    expect(web.envFiles).toEqual([
      { path: '/srv/apps/demo/a.env', required: true },
      { path: '/etc/b.env', required: false },
    ])
    expect(service('env_file: settings.env').envFiles).toEqual([{ path: '/srv/apps/demo/settings.env', required: true }])
  })

  it('reads labels, sysctls and extra_hosts as lists or maps', () => {
    const web = service(`labels: ["a=1", "b"]
sysctls:
  net.core.somaxconn: 1024
extra_hosts:
  - "host.docker.internal:host-gateway"
  - "db=10.0.0.2"`)
    expect(web.labels).toEqual({ a: '1', b: '' })
    expect(web.sysctls).toEqual({ 'net.core.somaxconn': '1024' })
    expect(web.extraHosts).toEqual(['host.docker.internal:host-gateway', 'db:10.0.0.2'])
    expect(service('extra_hosts:\n  db: 10.0.0.2\n  v6: ["::1"]').extraHosts).toEqual(['db:10.0.0.2', 'v6:::1'])
  })

  it('splits string commands like a shell and keeps lists', () => {
    const web = service(`command: sh -c 'echo "hi there"' --flag="a b"
entrypoint: ["/bin/sh", "-c"]`)
    expect(web.command).toEqual(['sh', '-c', 'echo "hi there"', '--flag=a b'])
    expect(web.entrypoint).toEqual(['/bin/sh', '-c'])
  })

  it('converts healthcheck durations and test forms', () => {
    const web = service(`healthcheck:
  test: curl -f http://localhost
  interval: 1m30s
  timeout: 500ms
  start_period: 1h
  retries: 5`)
    expect(web.healthcheck).toEqual({
      disabled: false,
      test: ['CMD-SHELL', 'curl -f http://localhost'],
      intervalNs: 90e9,
      timeoutNs: 500e6,
      startPeriodNs: 3600e9,
      retries: 5,
    })
    expect(service('healthcheck:\n  test: ["NONE"]').healthcheck).toEqual({ disabled: true })
    expect(service('healthcheck:\n  disable: true').healthcheck).toEqual({ disabled: true })
  })

  it('reads resources, sizes, ulimits, restart and the small flags', () => {
    const yamlText = `services:
  db:
    image: postgres
  web:
    image: nginx
    mem_limit: 512m
    shm_size: 1g
    cpus: 1.5
    ulimits:
      nproc: 65535
      nofile: {soft: 1024, hard: 2048}
    restart: on-failure:3
    stop_grace_period: 1m
    stop_signal: SIGINT
    init: true
    tty: "true"
    privileged: "\${PRIV:-false}"
    user: "1000:1000"
    working_dir: /app
    hostname: web1
    cap_add: [NET_ADMIN]
    cap_drop: [ALL]
    devices: ["/dev/dri:/dev/dri", "/dev/ttyUSB0"]
    depends_on:
      db:
        condition: service_healthy
        restart: true
    deploy:
      resources:
        limits:
          pids: 100
`
    const web = loadCompose({ yamlText, projectName: 'demo', projectDir: '/srv/demo' }).project.services.web
    expect(web).toMatchObject({
      shmSizeBytes: 1024 ** 3,
      ulimits: { nproc: { soft: 65535, hard: 65535 }, nofile: { soft: 1024, hard: 2048 } },
      restart: { name: 'on-failure', maximumRetryCount: 3 },
      stopGracePeriodNs: 60e9,
      stopSignal: 'SIGINT',
      init: true,
      tty: true,
      stdinOpen: false,
      privileged: false,
      user: '1000:1000',
      workingDir: '/app',
      hostname: 'web1',
      capAdd: ['NET_ADMIN'],
      capDrop: ['ALL'],
      devices: [
        { source: '/dev/dri', target: '/dev/dri', permissions: 'rwm' },
        { source: '/dev/ttyUSB0', target: '/dev/ttyUSB0', permissions: 'rwm' },
      ],
      dependsOn: { db: { condition: 'service_healthy', restart: true, required: true } },
      networks: { default: { aliases: [] } },
    })
    expect(web.resources).toEqual({ memoryBytes: 512 * 1024 ** 2, nanoCpus: 1.5e9, pidsLimit: 100, deviceRequests: [] })
  })

  it('warns about keys it ignores and skips services behind profiles', () => {
    const { project, warnings } = loadCompose({
      yamlText: 'services:\n  a:\n    image: x\n    cpu_quota: 5000\n  debug:\n    image: y\n    profiles: [debug]\n',
      projectName: 'p',
      projectDir: '/srv/p',
    })
    expect(Object.keys(project.services)).toEqual(['a'])
    expect(warnings.map((w) => w.path)).toEqual(['services.a.cpu_quota', 'services.debug'])
  })

  it('lists every problem of a file at once', () => {
    let details = ''
    try {
      loadCompose({
        yamlText: [
          'services:',
          '  a:',
          '    image: "app:${TAG:?choose a tag}"',
          '    ports: ["8080:80"]',
          '    depends_on: [ghost]',
          '  b:',
          '    image: other',
          '    ports: ["8080:81"]',
          '  c:',
          '    build: {context: ., secrets: [token]}',
        ].join('\n'),
        projectName: 'p',
        projectDir: '/srv/p',
      })
    } catch (err) {
      details = (err as Error & { details: string }).details
    }
    expect(details.split('\n')).toEqual([
      'COMPOSE_VARIABLE_MISSING services.a.image: required variable TAG is missing a value: choose a tag',
      'COMPOSE_UNSUPPORTED services.c.build.secrets: build secrets are not supported (they need BuildKit); pass the value as a build argument',
      'COMPOSE_INVALID services.a.depends_on.ghost: depends on service "ghost", which is not defined',
      'COMPOSE_INVALID services.b.ports: port clash: host port 8080/tcp is published by both "a" and "b"',
    ])
  })
})

describe('units', () => {
  it.each([
    ['1m30s', 90e9],
    ['500ms', 500e6],
    ['1.5h', 5400e9],
    ['10us', 10e3],
    ['0', 0],
  ])('duration %s', (text, ns) => expect(parseDurationNs(text)).toBe(ns))

  it.each(['30', '10 seconds', '1d', '', 'm'])('rejects duration %s', (text) => expect(parseDurationNs(text)).toBeUndefined())

  it.each([
    ['1g', 1024 ** 3],
    ['512m', 512 * 1024 ** 2],
    ['512M', 512 * 1024 ** 2],
    ['1.5GB', 1.5 * 1024 ** 3],
    ['2GiB', 2 * 1024 ** 3],
    ['100k', 102400],
    ['1024', 1024],
  ])('size %s', (text, bytes) => expect(parseBytes(text)).toBe(bytes))

  it('splits shell words and refuses an open quote', () => {
    expect(splitShellWords(`a  'b c' "d \\"e\\"" f\\ g`)).toEqual(['a', 'b c', 'd "e"', 'f g'])
    expect(splitShellWords(`echo 'open`)).toBeUndefined()
  })
})

describe('configHash', () => {
  it('is the same whatever syntax or key order the file used, and changes with the configuration', () => {
    const shortForm = service('ports: ["8080:80"]\nenvironment: ["A=1", "B=2"]\nlabels: ["x=y"]')
    const longForm = service('labels:\n  x: y\nenvironment:\n  B: "2"\n  A: "1"\nports:\n  - target: 80\n    published: "8080"\n    protocol: tcp')
    expect(configHash(shortForm)).toBe(configHash(longForm))
    expect(configHash(shortForm)).toMatch(/^[0-9a-f]{64}$/)
    const changed = service('ports: ["8081:80"]\nenvironment: ["A=1", "B=2"]\nlabels: ["x=y"]')
    expect(configHash(changed)).not.toBe(configHash(shortForm))
  })
})
