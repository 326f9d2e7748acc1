import { describe, expect, it } from 'vitest'
import type { CatalogVariableDto } from '../../../../../shared/contract/index.js'
import { buildFields, fieldError, initialValues, valuesToSend } from './variable-fields.js'

const variables: CatalogVariableDto[] = [
  { name: 'WEB_PORT', label: 'Web port', type: 'port', default: '8080', secret: false },
  { name: 'DB_PASSWORD', label: 'Database password', type: 'string', secret: true, default: 'ignored' },
  { name: 'TZ', label: 'Time zone', type: 'string', secret: false, host: true },
  { name: 'SIGNUPS', label: 'Allow sign-ups', type: 'boolean', secret: false },
  { name: 'LEVEL', label: 'Log level', type: 'select', options: ['info', 'debug'], default: 'info', secret: false, description: 'How much to log' },
  { name: 'MEDIA', label: 'Media folder', type: 'path', default: '/srv/media', secret: false },
]

describe('variable fields', () => {
  it('builds one field per variable by type, hides host variables and starts secrets blank', () => {
    const fields = buildFields(variables)
    expect(fields.map((f) => [f.name, f.kind])).toEqual([
      ['WEB_PORT', 'number'],
      ['DB_PASSWORD', 'password'],
      ['SIGNUPS', 'switch'],
      ['LEVEL', 'select'],
      ['MEDIA', 'path'],
    ])
    expect(initialValues(fields)).toEqual({ WEB_PORT: '8080', DB_PASSWORD: '', SIGNUPS: 'false', LEVEL: 'info', MEDIA: '/srv/media' })
    expect(fields.find((f) => f.name === 'LEVEL')).toMatchObject({ options: ['info', 'debug'], description: 'How much to log' })
  })

  it('starts from the installed values in settings, secrets still blank', () => {
    const fields = buildFields(variables, { WEB_PORT: '9000', DB_PASSWORD: 'hunter2', SIGNUPS: 'true' })
    expect(initialValues(fields)).toMatchObject({ WEB_PORT: '9000', DB_PASSWORD: '', SIGNUPS: 'true' })
  })

  it('leaves blank secrets out so the core generates or keeps them, and sends typed ones', () => {
    const fields = buildFields(variables)
    const values = initialValues(fields)
    expect(valuesToSend(fields, values)).not.toHaveProperty('DB_PASSWORD')
    expect(valuesToSend(fields, { ...values, DB_PASSWORD: 's3cret' }).DB_PASSWORD).toBe('s3cret')
    expect(valuesToSend(fields, values)).not.toHaveProperty('TZ')
  })

  it('checks ports, selects and single lines', () => {
    const [port, , , level] = buildFields(variables)
    expect(fieldError(port, '8080')).toBeUndefined()
    expect(fieldError(port, '0')).toMatch(/1 to 65535/)
    expect(fieldError(port, '70000')).toMatch(/1 to 65535/)
    expect(fieldError(port, '80a')).toMatch(/port number/)
    expect(fieldError(level, 'trace')).toMatch(/one of info, debug/)
    expect(fieldError(buildFields(variables)[4], 'a\nb')).toMatch(/single line/)
  })
})
