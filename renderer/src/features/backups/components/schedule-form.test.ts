// The schedule form: a set schedule shown by its preset name when it is one, a cron time otherwise; an off
// check or drill sends nothing; the row's one-line summary.

import { describe, expect, it } from 'vitest'
import { describeSchedule, fieldFor, whenOf } from './schedule-form.js'

describe('schedule form', () => {
  it('fills a new schedule with a daily backup and no check or drill', () => {
    expect(fieldFor(undefined, 'backup')).toEqual({ choice: 'daily', cron: '' })
    expect(whenOf(fieldFor(undefined, 'drill'))).toBeUndefined()
  })

  it('shows what the core stored by its preset, or as the cron time', () => {
    expect(fieldFor('0 3 * * 0', 'drill')).toEqual({ choice: 'weekly', cron: '0 3 * * 0' })
    expect(fieldFor('17 4 * * *', 'backup')).toEqual({ choice: 'cron', cron: '17 4 * * *' })
    expect(whenOf({ choice: 'cron', cron: ' 17 4 * * * ' })).toBe('17 4 * * *')
    expect(whenOf({ choice: 'hourly', cron: '' })).toBe('hourly')
  })

  it('sums a schedule up in one line', () => {
    expect(describeSchedule({ app: 'a', backup: '17 4 * * *', drill: '0 3 * * 0', via: 'cron', createdAt: '' })).toBe('backup cron "17 4 * * *" · drill weekly')
  })
})
