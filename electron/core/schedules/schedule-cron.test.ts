import { describe, expect, it } from 'vitest'
import { nextDue, onCalendar, parseCron, previousDue } from './schedule-cron.js'

describe('schedule times', () => {
  it('spells presets out and gives systemd the same instants', () => {
    expect(parseCron('daily').expression).toBe('0 3 * * *')
    expect(onCalendar(parseCron('daily'))).toBe('*-*-* 03:00:00')
    expect(onCalendar(parseCron('*/15 1-3 * * 1,5'))).toBe('Mon,Fri *-*-* 01,02,03:00,15,30,45:00')
    expect(onCalendar(parseCron('30 2 1 */3 *'))).toBe('*-01,04,07,10-01 02:30:00')
    expect(onCalendar(parseCron('0 4 * * 7'))).toBe('Sun *-*-* 04:00:00')
  })

  it('refuses what cron and systemd would read differently, or not at all, naming the field', () => {
    expect(() => parseCron('61 * * * *')).toThrow(/minute/)
    expect(() => parseCron('0 3 1 * 1')).toThrow(/not both/)
    expect(() => parseCron('0 3 * *')).toThrow(/five fields/)
    expect(() => parseCron('0 3 * * MON; rm -rf /')).toThrow(/not a schedule/)
  })

  it('finds the last instant a schedule was due', () => {
    const at = new Date(2026, 10, 30, 4, 10, 30)
    expect(previousDue(parseCron('0 3 * * *'), at)).toEqual(new Date(2026, 10, 30, 3, 0, 0))
    expect(previousDue(parseCron('10 4 * * *'), at)).toEqual(new Date(2026, 10, 30, 4, 10, 0))
    expect(previousDue(parseCron('0 5 * * *'), at)).toEqual(new Date(2026, 10, 29, 5, 0, 0))
  })

  it('finds the next instant a schedule is due', () => {
    const at = new Date(2026, 10, 30, 4, 10, 30)
    expect(nextDue(parseCron('* * * * *'), at)).toEqual(new Date(2026, 10, 30, 4, 11, 0))
    expect(nextDue(parseCron('0 3 * * *'), at)).toEqual(new Date(2026, 11, 1, 3, 0, 0))
    expect(nextDue(parseCron('0 0 1 1 *'), at)).toEqual(new Date(2027, 0, 1, 0, 0, 0))
  })
})
