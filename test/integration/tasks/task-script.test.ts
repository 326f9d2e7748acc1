// The script a task's timer runs, run here as cron would run it, against the test home server's Docker
// engine: each run writes its record and log, a long log keeps only its end, and the oldest runs beyond
// the kept number are removed. Small limits stand in for the real ones (20 runs, 1 MiB).

import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TaskRunDto } from '../../../shared/contract/index.js'
import { taskScript } from '../../../electron/core/tasks/task-script.js'
import { docker, useHomeServer } from '../../homeserver/helpers.js'

const hs = useHomeServer()
const NAME = `hptask-script-${process.pid}`
let dir: string
let script: string

const records = (): TaskRunDto[] =>
  fs.readdirSync(path.join(dir, 'runs')).filter((f) => f.endsWith('.json')).sort().map((f) => JSON.parse(fs.readFileSync(path.join(dir, 'runs', f), 'utf8')) as TaskRunDto)

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), `${NAME}-`))
  script = path.join(dir, 'run.sh')
  fs.writeFileSync(script, taskScript({ name: NAME, target: { kind: 'image', image: hs.images[0] }, command: ['sh', '-c', 'head -c "$1" /dev/zero | tr "\\0" x; echo; echo "the end"; exit "$2"', 'sh', '5000', '0'], dockerSocket: hs.dockerSocket, runsDir: path.join(dir, 'runs'), keep: 2, maxLogBytes: 100 }))
})

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('the task script', { timeout: 120_000 }, () => {
  it('keeps the end of a long log, and only the last runs', async () => {
    for (let i = 0; i < 3; i++) {
      const res = spawnSync('sh', [script, 'run'], { encoding: 'utf8' })
      expect(res.status, res.stderr).toBe(0)
    }
    const runs = records()
    expect(runs).toHaveLength(2)
    for (const r of runs) expect(r).toMatchObject({ task: NAME, status: 'ok', exitCode: 0, truncated: true })
    const log = fs.readFileSync(path.join(dir, 'runs', `${runs[1].run}.log`), 'utf8')
    expect(log).toMatch(/^\[Homeport kept the last 100 bytes of 5009\]\n/)
    expect(log.endsWith('x\nthe end\n')).toBe(true)
    expect(runs[1].logBytes).toBe(Buffer.byteLength(log))
    expect((await docker(['ps', '-aq', '--filter', `label=io.homeport.task=${NAME}`])).trim()).toBe('')
  })

  it('refuses a live run id that is not a plain word, and writes nothing', () => {
    const before = records().length
    const res = spawnSync('sh', [script, 'live', '../x;id'], { encoding: 'utf8' })
    expect(res.status).toBe(2)
    expect(res.stderr).toContain('usage')
    expect(records()).toHaveLength(before)
    expect(execFileSync('ls', [path.join(dir, 'runs')], { encoding: 'utf8' })).not.toContain('x;id')
  })
})
