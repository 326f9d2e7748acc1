// The fields of the install and settings forms, built from an app's variables: one field per variable the
// user may set (host variables such as TZ or PUID are filled in by the server and never shown).

import type { CatalogVariableDto } from '../../../../../shared/contract/index.js'

export type FieldKind = 'text' | 'number' | 'switch' | 'select' | 'password' | 'path'

export interface FormField {
  name: string
  label: string
  description?: string
  kind: FieldKind
  options?: string[]
  /** What the field starts with ('' for secrets: blank means generate, or keep, the password). */
  initial: string
  secret: boolean
}

export type VariableLike = Pick<CatalogVariableDto, 'name' | 'label' | 'secret' | 'description' | 'options'> & {
  type: string
  default?: string
  host?: boolean
}

function kindOf(variable: VariableLike): FieldKind {
  if (variable.secret) return 'password'
  switch (variable.type) {
    case 'port':
      return 'number'
    case 'boolean':
      return 'switch'
    case 'select':
      return variable.options && variable.options.length > 0 ? 'select' : 'text'
    case 'path':
      return 'path'
    default:
      return 'text'
  }
}

/** `current` holds the installed values (settings); without it the catalog defaults are used (install). */
export function buildFields(variables: readonly VariableLike[], current?: Record<string, string>): FormField[] {
  return variables
    .filter((v) => !v.host)
    .map((v) => {
      const kind = kindOf(v)
      const fallback = kind === 'switch' ? 'false' : ''
      const initial = v.secret ? '' : (current?.[v.name] ?? v.default ?? fallback)
      return {
        name: v.name,
        label: v.label || v.name,
        ...(v.description ? { description: v.description } : {}),
        kind,
        ...(kind === 'select' ? { options: v.options } : {}),
        initial,
        secret: v.secret,
      }
    })
}

export function initialValues(fields: readonly FormField[]): Record<string, string> {
  return Object.fromEntries(fields.map((f) => [f.name, f.initial]))
}

/** The message for a field that cannot be sent, or undefined when it is fine. */
export function fieldError(field: FormField, value: string | undefined): string | undefined {
  const text = value ?? ''
  if (field.kind === 'number') {
    const port = Number(text)
    if (!/^\d+$/.test(text) || port < 1 || port > 65535) return `${field.label} must be a port number from 1 to 65535`
  }
  if (field.kind === 'select' && field.options && !field.options.includes(text)) return `${field.label} must be one of ${field.options.join(', ')}`
  if (/[\r\n]/.test(text)) return `${field.label} must be a single line`
  return undefined
}

/** What goes to the core: blank secrets are left out, so the core generates (install) or keeps (settings) them. */
export function valuesToSend(fields: readonly FormField[], values: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const field of fields) {
    const value = values[field.name] ?? ''
    if (field.secret && value === '') continue
    out[field.name] = value
  }
  return out
}
