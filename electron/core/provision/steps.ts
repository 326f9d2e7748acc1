// The set-up steps in the order they run.

import type { ProvisionStep } from './provision-context.js'
import { connectStep, keyStep, passwordLoginStep } from './steps-access.js'
import { agentStep, dockerStep, groupStep, osStep, verifyStep } from './steps-docker.js'
import { lingerStep } from './steps-linger.js'

export const STEPS: readonly ProvisionStep[] = [connectStep, keyStep, passwordLoginStep, osStep, dockerStep, groupStep, agentStep, lingerStep, verifyStep]
