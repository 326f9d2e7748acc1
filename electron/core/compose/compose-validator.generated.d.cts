// Types of compose-validator.generated.cjs (the Compose schema compiled ahead of time by scripts/compose-validator.mjs).
import type { ValidateFunction } from 'ajv'

declare const validate: ValidateFunction
export = validate
