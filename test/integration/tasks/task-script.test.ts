// The script a task's timer runs, run here as cron would run it, against the test home server's Docker
// engine: each run writes its record and log, a long log keeps only its end, and the oldest runs beyond
// the kept number are removed. Small limits stand in for the real ones (20 runs, 1 MiB).

import { execFileSync, spawn, spawnSync } from 'node:child_process'
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

  it('runs one at a time: a run due while another goes on is recorded as skipped, naming it', async () => {
    // Waits for a file that never comes (ending by itself after 5 minutes, should the test die first).
    const WAITING = 'i=0; while [ ! -e /go/on ] && [ $i -lt 1500 ]; do sleep 0.2; i=$((i + 1)); done'
    const slowDir = fs.mkdtempSync(path.join(os.tmpdir(), `${NAME}-slow-`))
    const slow = path.join(slowDir, 'run.sh')
    const runsDir = path.join(slowDir, 'runs')
    fs.writeFileSync(slow, taskScript({ name: `${NAME}-slow`, target: { kind: 'image', image: hs.images[0] }, command: ['sh', '-c', WAITING], dockerSocket: hs.dockerSocket, runsDir }))
    const slowRecords = () => (fs.existsSync(runsDir) ? fs.readdirSync(runsDir).filter((f) => f.endsWith('.json')).sort().map((f) => JSON.parse(fs.readFileSync(path.join(runsDir, f), 'utf8')) as TaskRunDto) : [])
    const slowContainers = async () => (await docker(['ps', '-q', '--filter', `label=io.homeport.task=${NAME}-slow`])).trim().split('\n').filter(Boolean)
    const first = spawn('sh', [slow, 'run'], { stdio: 'ignore' })
    const ended = new Promise<number | null>((resolve) => first.on('exit', resolve))
    try {
      await expect.poll(slowContainers, { timeout: 60_000 }).toHaveLength(1)
      expect(slowRecords().map((r) => r.status)).toEqual(['running'])
      const running = slowRecords()[0].run
      const again = spawnSync('sh', [slow, 'live', 'second-try'], { encoding: 'utf8' })
      expect(again.status).toBe(75)
      expect(again.stderr).toContain(`the run ${running} of ${NAME}-slow is still going`)
      expect(slowRecords().find((r) => r.run === 'second-try')).toMatchObject({ status: 'skipped', skippedFor: running })
      expect((await docker(['ps', '-q', '--filter', `label=io.homeport.task.run=second-try`])).trim()).toBe('')
    } finally {
      // Removing the container ends the run.
      const ids = await slowContainers()
      if (ids.length) await docker(['rm', '-f', ...ids])
    }
    expect(await ended).toBe(137)
    // The lock went with the run: the next one runs.
    fs.writeFileSync(slow, fs.readFileSync(slow, 'utf8').replace(`'${WAITING}'`, "'echo quick'"))
    expect(spawnSync('sh', [slow, 'live', 'third'], { encoding: 'utf8' }).stdout).toContain('quick')
    expect(slowRecords().find((r) => r.run === 'third')).toMatchObject({ status: 'ok', exitCode: 0 })

    // A holder that died without cleaning up (killed, a reboot) no longer counts.
    fs.mkdirSync(path.join(runsDir, '.running'))
    fs.writeFileSync(path.join(runsDir, '.running', 'pid'), '999999999\n')
    fs.writeFileSync(path.join(runsDir, '.running', 'run'), 'long-gone\n')
    expect(spawnSync('sh', [slow, 'live', 'fourth'], { encoding: 'utf8' }).status).toBe(0)
    expect(slowRecords().find((r) => r.run === 'fourth')).toMatchObject({ status: 'ok' })
    expect(fs.existsSync(path.join(runsDir, '.running'))).toBe(false)

    // A pid that came round again (here this test's own, alive) but started at another time is not the holder;
    // the same pid with its own start time is.
    const since = fs.readFileSync(`/proc/${process.pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[19]
    const holdLock = (start: string) => {
      fs.mkdirSync(path.join(runsDir, '.running'))
      fs.writeFileSync(path.join(runsDir, '.running', 'pid'), `${process.pid}\n`)
      fs.writeFileSync(path.join(runsDir, '.running', 'run'), 'reused-pid\n')
      fs.writeFileSync(path.join(runsDir, '.running', 'since'), `${start}\n`)
    }
    holdLock(String(Number(since) + 1))
    expect(spawnSync('sh', [slow, 'live', 'fifth'], { encoding: 'utf8' }).status).toBe(0)
    expect(slowRecords().find((r) => r.run === 'fifth')).toMatchObject({ status: 'ok' })
    holdLock(since)
    const held = spawnSync('sh', [slow, 'live', 'sixth'], { encoding: 'utf8' })
    expect(held.status, held.stderr).toBe(75)
    expect(slowRecords().find((r) => r.run === 'sixth')).toMatchObject({ status: 'skipped', skippedFor: 'reused-pid' })
    fs.rmSync(path.join(runsDir, '.running'), { recursive: true })
    fs.rmSync(slowDir, { recursive: true, force: true })
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
