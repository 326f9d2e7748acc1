// The schedule form's choices: a preset (the core takes `hourly`, `daily`, `weekly`, `monthly` as they are)
// or a cron time the person types, for each kind of run; check and drill may be off.

import type { ScheduleDto } from '../../../../../shared/contract/index.js'

export type ScheduleKind = 'backup' | 'check' | 'drill'
export const PRESETS = ['hourly', 'daily', 'weekly', 'monthly'] as const
/** What the core turns each preset into (electron/core/schedules/schedule-cron.ts), to show a set schedule by its name. */
const PRESET_CRON: Record<string, (typeof PRESETS)[number]> = { '0 * * * *': 'hourly', '0 3 * * *': 'daily', '0 3 * * 0': 'weekly', '0 3 1 * *': 'monthly' }

export interface WhenField {
  /** A preset, `cron` (the text below), or `off` (check and drill only). */
  choice: (typeof PRESETS)[number] | 'cron' | 'off'
  cron: string
}

export function fieldFor(expression: string | undefined, kind: ScheduleKind): WhenField {
  if (!expression) return { choice: kind === 'backup' ? 'daily' : 'off', cron: '' }
  const preset = PRESET_CRON[expression]
  return preset ? { choice: preset, cron: expression } : { choice: 'cron', cron: expression }
}

/** The value the core takes, or undefined for a run that is off. */
export function whenOf(field: WhenField): string | undefined {
  if (field.choice === 'off') return undefined
  return field.choice === 'cron' ? field.cron.trim() : field.choice
}

function describeWhen(expression: string): string {
  return PRESET_CRON[expression] ?? `cron "${expression}"`
}

/** "backup daily · drill weekly" */
export function describeSchedule(s: ScheduleDto): string {
  return (['backup', 'check', 'drill'] as const).filter((k) => s[k]).map((k) => `${k} ${describeWhen(s[k]!)}`).join(' · ')
}
