import { describe, expect, it } from 'vitest'
import { blankSecrets } from './compose-files.js'

describe('the .env as the editor gets it', () => {
  it('empties the values of secrets only, keeping every other line as it is', () => {
    const env = '# Written by Homeport\nDB_PASSWORD=hunter2\nexport API_TOKEN = "abc def"\nWEB_PORT=8080\n\nNOT_SECRET=DB_PASSWORD=x\n'
    expect(blankSecrets(env, new Set(['DB_PASSWORD', 'API_TOKEN']))).toBe('# Written by Homeport\nDB_PASSWORD=\nexport API_TOKEN =\nWEB_PORT=8080\n\nNOT_SECRET=DB_PASSWORD=x\n')
  })
})
