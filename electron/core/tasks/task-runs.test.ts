import { describe, expect, it } from 'vitest'
import { parseRunRecords } from './task-runs.js'

describe('task run records', () => {
  it('reads records oldest first and skips torn ones', () => {
    const text = [
      '{"task":"t","run":"20261130T031000Z-9","status":"failed","exitCode":3,"startedAt":"2026-11-30T03:10:00Z","durationMs":20}',
      '{"task":"t","run":"20261130T030000Z-12","status":"ok","exitCode":0,"startedAt":"2026-11-30T03:00:00Z"}',
      '{"task":"t","run":"20261130T032000Z-1","sta',
      '{"task":"t","run":"20261130T033000Z-1","status":"weird","startedAt":"x"}',
      '',
    ].join('\n')
    const runs = parseRunRecords(text)
    expect(runs.map((r) => r.run)).toEqual(['20261130T030000Z-12', '20261130T031000Z-9'])
    expect(runs[1]).toMatchObject({ status: 'failed', exitCode: 3, durationMs: 20 })
  })
})
