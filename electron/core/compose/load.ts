import { parseDotenv } from './dotenv.js'
import { interpolateTree, type VariableLookup } from './interpolate.js'
import { UNSUPPORTED_SERVICE_KEYS, UNSUPPORTED_TOP_LEVEL_KEYS } from './key-policy.js'
import { parseComposeYaml } from './parse.js'
import { joinPath, ProblemList } from './problems.js'
import { checkServiceSecrets, normaliseTopLevelSecrets } from './secrets.js'
import { checkProject } from './semantic.js'
import { normaliseService } from './service.js'
import { normaliseKeyValues, scalarToString, stringList } from './service-fields.js'
import type { ComposeNetwork, ComposeProject, ComposeService, ComposeVolume, ComposeWarning } from './types.js'
import { parseBool } from './units.js'
import { validateComposeSchema } from './validate.js'

/** Stands for the SSH user's home directory on the server until the caller knows it (`~` in bind paths). */
export const SERVER_HOME_PLACEHOLDER = '/__homeport_server_home__'

const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]*$/

/** Compose files (and their .env) larger than this are refused: real ones are a few KiB, and every step reads the whole file. */
export const MAX_COMPOSE_BYTES = 1024 * 1024

function sizeProblem(text: string | undefined, what: string, problems: ProblemList): void {
  const bytes = text === undefined ? 0 : Buffer.byteLength(text, 'utf8')
  if (bytes > MAX_COMPOSE_BYTES) problems.invalid('', `${what} is ${(bytes / 1024 / 1024).toFixed(1)} MiB; Homeport reads files of up to ${MAX_COMPOSE_BYTES / 1024 / 1024} MiB`)
}

export interface LoadComposeInput {
  yamlText: string
  /** The app's `.env` next to the compose file. */
  envFileText?: string
  /** Values given by the user or the catalog; they win over `.env`. */
  values?: Record<string, string>
  /** Compose project name (the app name): lowercase letters, digits, `_` and `-`. */
  projectName: string
  /** Absolute directory of the compose file on the server; relative paths resolve against it. */
  projectDir: string
  /** Absolute home directory of the SSH user on the server; defaults to SERVER_HOME_PLACEHOLDER. */
  serverHome?: string
}

export interface LoadComposeResult {
  project: ComposeProject
  warnings: ComposeWarning[]
  /** The variables interpolation saw (.env merged with the given values). */
  variables: Record<string, string>
}

type Raw = Record<string, unknown>

function asRecord(value: unknown): Raw {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Raw) : {}
}

function externalName(spec: Raw): { external: boolean; name?: string } {
  const ext = spec.external
  if (ext !== null && typeof ext === 'object') {
    const name = (ext as Raw).name
    return { external: true, name: typeof name === 'string' ? name : undefined }
  }
  return { external: parseBool(ext) ?? false, name: typeof spec.name === 'string' ? spec.name : undefined }
}

function normaliseNetworks(raw: Raw, projectName: string, problems: ProblemList): Record<string, ComposeNetwork> {
  const out: Record<string, ComposeNetwork> = {}
  for (const [key, value] of Object.entries(raw)) {
    if (key.startsWith('x-')) continue
    const spec = asRecord(value)
    const ext = externalName(spec)
    const explicit = typeof spec.name === 'string' ? spec.name : ext.name
    const ipam = spec.ipam === undefined ? undefined : asRecord(spec.ipam)
    if (ext.external && (spec.driver !== undefined || spec.ipam !== undefined)) {
      problems.invalid(joinPath('networks', key), 'an external network cannot also set driver or ipam')
    }
    const enableIpv6 = parseBool(spec.enable_ipv6)
    out[key] = {
      name: explicit ?? (ext.external ? key : `${projectName}_${key}`),
      external: ext.external,
      ...(typeof spec.driver === 'string' ? { driver: spec.driver } : {}),
      driverOpts: normaliseKeyValues(spec.driver_opts),
      internal: parseBool(spec.internal) ?? false,
      attachable: parseBool(spec.attachable) ?? false,
      ...(enableIpv6 !== undefined ? { enableIpv6 } : {}),
      ...(ipam
        ? {
            ipam: {
              ...(typeof ipam.driver === 'string' ? { driver: ipam.driver } : {}),
              config: (Array.isArray(ipam.config) ? ipam.config : []).map((c: Raw) => ({
                ...(c.subnet !== undefined ? { subnet: scalarToString(c.subnet) } : {}),
                ...(c.ip_range !== undefined ? { ipRange: scalarToString(c.ip_range) } : {}),
                ...(c.gateway !== undefined ? { gateway: scalarToString(c.gateway) } : {}),
              })),
            },
          }
        : {}),
      labels: normaliseKeyValues(spec.labels),
    }
  }
  return out
}

function normaliseVolumes(raw: Raw, projectName: string): Record<string, ComposeVolume> {
  const out: Record<string, ComposeVolume> = {}
  for (const [key, value] of Object.entries(raw)) {
    const spec = asRecord(value)
    const ext = externalName(spec)
    const explicit = typeof spec.name === 'string' ? spec.name : ext.name
    out[key] = {
      name: explicit ?? (ext.external ? key : `${projectName}_${key}`),
      external: ext.external,
      ...(typeof spec.driver === 'string' ? { driver: spec.driver } : {}),
      driverOpts: normaliseKeyValues(spec.driver_opts),
      labels: normaliseKeyValues(spec.labels),
    }
  }
  return out
}

/** Reports unsupported keys even when the schema check failed, so one run lists everything to fix. */
function scanUnsupportedKeys(doc: Raw, problems: ProblemList): void {
  for (const key of Object.keys(doc)) {
    if (key in UNSUPPORTED_TOP_LEVEL_KEYS) problems.unsupported(key, UNSUPPORTED_TOP_LEVEL_KEYS[key])
  }
  for (const [name, service] of Object.entries(asRecord(doc.services))) {
    for (const key of Object.keys(asRecord(service))) {
      if (key in UNSUPPORTED_SERVICE_KEYS) problems.unsupported(joinPath(joinPath('services', name), key), UNSUPPORTED_SERVICE_KEYS[key])
    }
  }
}

/**
 * Reads a Compose file into the normalised model: parse, interpolate, validate against the Compose
 * Specification, normalise, check the project as a whole. Throws a ComposeError (a HomeportError with
 * code COMPOSE_INVALID, COMPOSE_UNSUPPORTED or COMPOSE_VARIABLE_MISSING) listing every problem found.
 */
export function loadCompose(input: LoadComposeInput): LoadComposeResult {
  const problems = new ProblemList()
  sizeProblem(input.yamlText, 'the compose file', problems)
  sizeProblem(input.envFileText, 'the .env file', problems)
  problems.throwIfAny()
  const given = input.values ?? {}
  const givenLookup: VariableLookup = (name) => (Object.hasOwn(given, name) ? given[name] : undefined)
  const dotenv = input.envFileText === undefined ? {} : parseDotenv(input.envFileText, problems, { lookup: givenLookup })
  const variables = { ...dotenv, ...given }
  const lookup: VariableLookup = (name) => (Object.hasOwn(variables, name) ? variables[name] : undefined)

  if (!PROJECT_NAME.test(input.projectName)) {
    problems.invalid('name', `project name "${input.projectName}" must be lowercase letters, digits, "_" or "-", starting with a letter or digit`)
  }
  const parsed = parseComposeYaml(input.yamlText, problems)
  problems.throwIfAny()
  const doc = interpolateTree(parsed, lookup, problems) as Raw
  validateComposeSchema(doc, problems)
  scanUnsupportedKeys(doc, problems)
  // Schema errors make the data unsafe to normalise; missing variables and unsupported keys do not, so
  // the checks below still run and the person sees every problem of the file in one go.
  if (problems.problems.some((p) => p.code === 'COMPOSE_INVALID')) problems.throwIfAny()

  if (doc.version !== undefined) problems.warn('version', 'the top-level version: is obsolete and ignored')
  if (doc.configs !== undefined) problems.warn('configs', 'top-level configs: are not supported and are ignored')
  const rawServices = asRecord(doc.services)
  if (Object.keys(rawServices).length === 0) problems.invalid('services', 'no services are defined')

  const ctx = { projectDir: input.projectDir, serverHome: input.serverHome ?? SERVER_HOME_PLACEHOLDER, problems, lookup, projectName: input.projectName }
  const services: Record<string, ComposeService> = {}
  for (const [name, raw] of Object.entries(rawServices)) {
    const spec = asRecord(raw)
    const profiles = stringList(spec.profiles)
    if (profiles.length > 0) {
      problems.warn(joinPath('services', name), `service has profiles (${profiles.join(', ')}) and is not started, as Compose does without --profile`)
      continue
    }
    const service = normaliseService(name, spec, ctx)
    if (service) services[name] = service
  }

  const networks = normaliseNetworks(asRecord(doc.networks), input.projectName, problems)
  const usesDefault = Object.values(services).some((s) => 'default' in s.networks)
  if (usesDefault && !networks.default) {
    networks.default = { name: `${input.projectName}_default`, external: false, driverOpts: {}, internal: false, attachable: false, labels: {} }
  }
  const project: ComposeProject = {
    name: input.projectName,
    workingDir: input.projectDir,
    services,
    networks,
    volumes: normaliseVolumes(asRecord(doc.volumes), input.projectName),
  }
  const secrets = normaliseTopLevelSecrets(doc.secrets, problems)
  if (secrets) project.secrets = secrets
  checkServiceSecrets(project, problems)
  checkProject(project, problems)
  problems.throwIfAny()
  return { project, warnings: problems.warnings, variables }
}
