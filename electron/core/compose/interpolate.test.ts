import { describe, expect, it } from 'vitest'
import { parseDotenv } from './dotenv.js'
import { interpolateString, interpolateTree, referencedVariables } from './interpolate.js'
import { ProblemList } from './problems.js'

const VARS: Record<string, string> = { SET: 'value', EMPTY: '', AppID: 'immich', B: 'bee', PORT: '8080' }
const lookup = (name: string) => (Object.hasOwn(VARS, name) ? VARS[name] : undefined)

function run(text: string) {
  const problems = new ProblemList()
  const out = interpolateString(text, lookup, problems, 'services.web.image')
  return { out, problems }
}

describe('interpolateString', () => {
  it.each([
    ['${SET}', 'value'],
    ['$SET', 'value'],
    ['/DATA/AppData/$AppID/config', '/DATA/AppData/immich/config'],
    ['$SET-suffix', 'value-suffix'],
    ['${SET}suffix', 'valuesuffix'],
    ['$$SET', '$SET'],
    ['$${SET}', '${SET}'],
    ['a$$b', 'a$b'],
    ['${UNSET:-fallback}', 'fallback'],
    ['${EMPTY:-fallback}', 'fallback'],
    ['${SET:-fallback}', 'value'],
    ['${UNSET-fallback}', 'fallback'],
    ['${EMPTY-fallback}', ''],
    ['${SET:+alt}', 'alt'],
    ['${EMPTY:+alt}', ''],
    ['${UNSET:+alt}', ''],
    ['${EMPTY+alt}', 'alt'],
    ['${UNSET+alt}', ''],
    ['${UNSET:-${B}}', 'bee'],
    ['${UNSET:-${ALSO_UNSET:-deep}}', 'deep'],
    ['${UNSET:-pre-${B}-post}', 'pre-bee-post'],
    ['${SET:+[${B}]}', '[bee]'],
    ['${UNSET:-}', ''],
    ['${UNSET:-a b c}', 'a b c'],
    ['${UNSET:-$$}', '$'],
    ['${UNSET:-}}', '}'],
    ['http://localhost:${PORT}/', 'http://localhost:8080/'],
    ['${SET:?must be set}', 'value'],
    ['${EMPTY?must be set}', ''],
    ['no variables here', 'no variables here'],
  ])('%s → %s', (text, expected) => {
    const { out, problems } = run(text)
    expect(out).toBe(expected)
    expect(problems.problems).toEqual([])
  })

  it('an unset variable without default becomes empty with a warning naming the path', () => {
    const { out, problems } = run('nginx:${TAG}')
    expect(out).toBe('nginx:')
    expect(problems.warnings).toEqual([{ path: 'services.web.image', message: 'The "TAG" variable is not set. Defaulting to a blank string.' }])
  })

  it('a bare unset $VAR warns the same way', () => {
    const { out, problems } = run('$PUID:$PGID')
    expect(out).toBe(':')
    expect(problems.warnings.map((w) => w.message)).toEqual([
      'The "PUID" variable is not set. Defaulting to a blank string.',
      'The "PGID" variable is not set. Defaulting to a blank string.',
    ])
  })

  it('does not evaluate a default that is not used', () => {
    const { problems } = run('${SET:-${NEVER_LOOKED_AT}}')
    expect(problems.warnings).toEqual([])
  })

  it.each([
    ['${UNSET:?give a tag}', 'required variable UNSET is missing a value: give a tag'],
    ['${EMPTY:?give a tag}', 'required variable EMPTY is missing a value: give a tag'],
    ['${UNSET?}', 'required variable UNSET is missing a value'],
    ['${UNSET:?need ${B}}', 'required variable UNSET is missing a value: need bee'],
  ])('%s is a missing variable', (text, message) => {
    const { problems } = run(text)
    expect(problems.problems).toEqual([{ code: 'COMPOSE_VARIABLE_MISSING', path: 'services.web.image', message }])
  })

  it.each(['${', '${SET', '${}', '${1BAD}', '${SET:x}', 'price: 5$', '$ 1', '${SET!}'])('%s is an invalid interpolation', (text) => {
    const { problems } = run(text)
    expect(problems.problems).toHaveLength(1)
    expect(problems.problems[0]).toMatchObject({ code: 'COMPOSE_INVALID', path: 'services.web.image' })
  })

  it('lists every variable a string refers to', () => {
    expect(referencedVariables('$A ${B:-x} $$C ${D}').sort()).toEqual(['A', 'B', 'D'])
  })
})

describe('interpolateTree', () => {
  it('interpolates values but not keys, skips x- extensions and reports every missing variable with its path', () => {
    const problems = new ProblemList()
    const doc = {
      services: {
        $SET: { image: 'img:${SET}', environment: ['A=${X:?x needed}', 'B=${Y:?y needed}'], ports: [8080] },
      },
      'x-casaos': { description: 'costs 5$ ${NOPE}' },
    }
    const out = interpolateTree(doc, lookup, problems) as { services: Record<string, { image: string; ports: unknown[] }>; "x-casaos": unknown }
    expect(Object.keys(out.services)).toEqual(['$SET'])
    expect(out.services.$SET.image).toBe('img:value')
    expect(out.services.$SET.ports).toEqual([8080])
    expect(out['x-casaos']).toEqual(doc['x-casaos'])
    expect(problems.problems.map((p) => p.path)).toEqual(['services.$SET.environment[0]', 'services.$SET.environment[1]'])
  })
})

describe('parseDotenv', () => {
  it('reads the forms Compose accepts', () => {
    const problems = new ProblemList()
    const text = [
      '# a comment',
      '',
      'PLAIN=value',
      'export EXPORTED=yes',
      'SPACED =  padded value  ',
      'INLINE=before # after',
      'HASH=a#b',
      "SINGLE='literal $PLAIN \\n'",
      'DOUBLE="line1\\nline2 \\"q\\" ${PLAIN}"',
      'REF=${PLAIN}-x',
      'EMPTY=',
      'MULTI="first',
      'second"',
      'AFTER=1',
      'GIVEN_ONLY',
    ].join('\n')
    const vars = parseDotenv(text, problems, { lookup: (n) => (n === 'GIVEN_ONLY' ? 'from-values' : undefined) })
    expect(problems.problems).toEqual([])
    expect(vars).toEqual({
      PLAIN: 'value',
      EXPORTED: 'yes',
      SPACED: 'padded value',
      INLINE: 'before',
      HASH: 'a#b',
      SINGLE: 'literal $PLAIN \\n',
      DOUBLE: 'line1\nline2 "q" value',
      REF: 'value-x',
      EMPTY: '',
      MULTI: 'first\nsecond',
      AFTER: '1',
      GIVEN_ONLY: 'from-values',
    })
  })

  it('reports a bad variable name and an unterminated quote with their lines', () => {
    const problems = new ProblemList()
    parseDotenv('GOOD=1\n1BAD=2\nOPEN="never closed', problems)
    expect(problems.problems.map((p) => p.path)).toEqual(['.env line 2', '.env line 3'])
  })

  it('handles CRLF line endings and a byte order mark', () => {
    const problems = new ProblemList()
    expect(parseDotenv('\uFEFFA=1\r\nB=2\r\n', problems)).toEqual({ A: '1', B: '2' })
  })
})
