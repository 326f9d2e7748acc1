// What a settings change will change, for the review before Apply: `WEB_PORT 18282 → 18283`, each line with the
// variable's label. A secret never shows its value: only that it will be replaced.

import type { FormField } from './variable-fields.js'

export interface SettingChange {
  name: string
  label: string
  /** The text after the name: `18282 → 18283`, or `a new value` for a secret. */
  change: string
}

export function settingChanges(fields: readonly FormField[], values: Record<string, string>): SettingChange[] {
  return fields.flatMap((field) => {
    const now = values[field.name] ?? ''
    if (field.secret) return now === '' ? [] : [{ name: field.name, label: field.label, change: 'set to a new value' }]
    if (now === field.initial) return []
    const shown = (v: string) => (v === '' ? '(empty)' : v)
    return [{ name: field.name, label: field.label, change: `${shown(field.initial)} → ${shown(now)}` }]
  })
}
