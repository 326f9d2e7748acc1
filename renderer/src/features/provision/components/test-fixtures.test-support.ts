// Agent facts, plans and set-up jobs as the core sends them, for the provision feature's tests.

import type { AgentHelloDto, JobDto, ProvisionPlanDto, ProvisionStepDto } from '../../../../../shared/contract/index.js'

export function hello(docker: Partial<AgentHelloDto['docker']> = {}): AgentHelloDto {
  return {
    agent: '1.0.0',
    protocol: 1,
    os: { id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)', idLike: '' },
    kernel: '6.1.0-18-amd64',
    arch: 'x86_64',
    hostname: 'nas',
    uptimeSeconds: 3 * 86_400 + 4 * 3600 + 60,
    init: 'systemd',
    docker: { installed: true, version: '24.0.7', socket: '/run/docker.sock', socketAccessible: true, socketGroup: 'docker', inDockerGroup: true, rootless: false, podman: false, ...docker },
    sudo: { present: true, passwordless: false },
    packageManager: 'apt-get',
    cpus: 4,
    memoryBytes: 8 * 1024 ** 3,
    swapBytes: 0,
    user: { name: 'alice', uid: 1000 },
    mounts: [{ source: '/dev/sda1', target: '/', fstype: 'ext4' }],
  }
}

function step(id: ProvisionStepDto['id'], status: ProvisionStepDto['status'], commands: string[] = [], needsSudo = false): ProvisionStepDto {
  return { id, title: `Title of ${id}`, status, detail: `Detail of ${id}`, commands, needsSudo }
}

export function plan(overrides: Partial<ProvisionPlanDto> = {}): ProvisionPlanDto {
  return {
    serverId: 's1',
    steps: [
      step('connect', 'done'),
      step('key', 'todo', ["sh -c '…' homeport-authorize '<public key>'"]),
      step('password-login', 'skipped'),
      step('os', 'done'),
      step('docker', 'done'),
      step('group', 'todo', ['sudo usermod -aG docker alice', '(reconnect)'], true),
      step('agent', 'todo', ['mkdir -p -m 700 ~/.local/share/homeport/agent/1.0.0', '(SFTP) upload homeport-agent, then rename into place']),
      step('linger', 'done'),
      step('verify', 'todo'),
    ],
    needsSudoPassword: true,
    ready: false,
    ...overrides,
  }
}

export function provisionJob(overrides: Partial<JobDto<'provision'>> = {}): JobDto<'provision'> {
  return { id: 'j1', kind: 'provision', title: 'Set up nas', serverId: 's1', state: 'running', items: [], log: [], startedAt: 'now', ...overrides }
}
