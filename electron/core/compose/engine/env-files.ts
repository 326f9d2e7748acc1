// env_file entries are read once, when the plan is made: the same values decide each service's config hash
// (so an edited env file shows up as a recreate) and go into the containers apply creates.

import { envFileValues } from '../dotenv.js'
import { joinPath, ProblemList } from '../problems.js'
import type { ComposeProject } from '../types.js'

/** Reads a file on the server; `undefined` when it does not exist. Other failures (a lost connection) throw. */
export type EnvFileReader = (path: string) => Promise<string | undefined>

/** Service → the values of its env files, later files winning, as Compose merges them. */
export type EnvFromFiles = Record<string, Record<string, string>>

export async function readEnvFiles(project: ComposeProject, readFile: EnvFileReader): Promise<EnvFromFiles> {
  const problems = new ProblemList()
  const texts = new Map<string, Promise<string | undefined>>()
  const read = (path: string) => texts.get(path) ?? texts.set(path, readFile(path)).get(path)!
  const result: EnvFromFiles = {}
  for (const [name, service] of Object.entries(project.services)) {
    let values: Record<string, string> = {}
    for (const [index, file] of service.envFiles.entries()) {
      const text = await read(file.path)
      if (text === undefined) {
        if (file.required) problems.invalid(joinPath(joinPath(joinPath('services', name), 'env_file'), index), `${file.path} does not exist on the server`)
        continue
      }
      values = { ...values, ...envFileValues(text, file.path) }
    }
    result[name] = values
  }
  problems.throwIfAny()
  return result
}
