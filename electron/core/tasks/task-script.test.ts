import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { taskScript } from './task-script.js'

const plan = { name: 'dump', dockerSocket: "/run/docker's.sock", runsDir: '/home/u/.local/share/homeport/tasks/dump/runs' }

describe('the task script', () => {
  it('passes the command as quoted words, never as shell text, and parses as sh', () => {
    const script = taskScript({ ...plan, target: { kind: 'app', app: 'web', service: 'db' }, command: ['sh', '-c', 'echo $(id); rm -rf /', "it's", '-x'] })
    expect(script).toContain(`docker exec "$c" sh -c 'echo $(id); rm -rf /' 'it'\\''s' -x`)
    expect(script).toContain("label=com.docker.compose.project=web")
    expect(script).toContain(`DOCKER_HOST='unix:///run/docker'\\''s.sock'`)
    expect(spawnSync('sh', ['-n'], { input: script }).status).toBe(0)
  })

  it('runs an image task in a labelled container that is removed afterwards', () => {
    const script = taskScript({ ...plan, target: { kind: 'image', image: 'registry:5000/tools/pg:16' }, command: ['pg_dump', '--file=/out/a b.sql'] })
    expect(script).toContain(`docker run --rm --label 'io.homeport.task=dump' --label "io.homeport.task.run=$run" registry:5000/tools/pg:16 pg_dump '--file=/out/a b.sql'`)
    expect(spawnSync('sh', ['-n'], { input: script }).status).toBe(0)
  })
})
