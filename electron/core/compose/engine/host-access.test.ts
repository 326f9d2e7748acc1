import { describe, expect, it } from 'vitest'
import { loadCompose } from '../load.js'
import { describeRisks, hostAccessRisks, newRisks } from './host-access.js'

const project = (yamlText: string) => loadCompose({ yamlText, projectName: 'shop', projectDir: '/srv/shop', serverHome: '/home/me' }).project

describe('host access in a compose file', () => {
  it('names each way a service reaches into the server, with a sentence on what it allows', () => {
    const risks = hostAccessRisks(
      project(`
services:
  agent:
    image: portainer/agent
    privileged: true
    network_mode: host
    pid: host
    ipc: host
    cap_add: [SYS_ADMIN, NET_ADMIN, CHOWN, cap_sys_ptrace]
    devices: ["/dev/ttyUSB0:/dev/ttyUSB0"]
    security_opt: ["apparmor:unconfined", "no-new-privileges:true"]
    volumes:
      - /:/host:ro
      - /var/run/docker.sock:/var/run/docker.sock
      - /etc/ssh:/etc/ssh
      - ./data:/data
      - /home/me/media:/media
`),
    )
    expect(risks.map((r) => [r.service, r.kind, r.detail])).toEqual([
      ['agent', 'privileged', 'privileged: true'],
      ['agent', 'host-network', 'network_mode: host'],
      ['agent', 'host-pid', 'pid: host'],
      ['agent', 'host-ipc', 'ipc: host'],
      ['agent', 'capability', 'SYS_ADMIN'],
      ['agent', 'capability', 'NET_ADMIN'],
      ['agent', 'capability', 'SYS_PTRACE'],
      ['agent', 'device', '/dev/ttyUSB0'],
      ['agent', 'unconfined', 'apparmor:unconfined'],
      ['agent', 'host-root', '/'],
      ['agent', 'docker-socket', '/var/run/docker.sock'],
      ['agent', 'host-path', '/etc/ssh'],
    ])
    expect(risks.every((r) => r.sentence.endsWith('.') && r.sentence.length > 30)).toBe(true)
    expect(risks.find((r) => r.kind === 'host-root')?.sentence).toBe("The server's whole file system: the app can read every file on it.")
    expect(describeRisks(risks).split('\n')).toHaveLength(risks.length)
  })

  it('finds nothing in an ordinary app', () => {
    expect(hostAccessRisks(project('services:\n  web:\n    image: nginx\n    ports: ["8080:80"]\n    volumes: ["data:/usr/share/nginx/html", "./conf:/etc/nginx/conf.d"]\nvolumes: { data: {} }\n'))).toEqual([])
  })

  it('asks an update only about the risks the installed version did not have', () => {
    const before = hostAccessRisks(project('services:\n  web:\n    image: nginx\n    cap_add: [NET_ADMIN]\n'))
    const after = hostAccessRisks(project('services:\n  web:\n    image: nginx\n    cap_add: [NET_ADMIN]\n    privileged: true\n'))
    expect(newRisks(after, before).map((r) => r.kind)).toEqual(['privileged'])
    expect(newRisks(before, before)).toEqual([])
  })
})
