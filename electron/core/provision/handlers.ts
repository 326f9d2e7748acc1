// The provision part of the contract: the plan (checks only) and the set-up job.

import type { HandlersFor } from '../../../shared/contract/index.js'
import type { provisionContract } from '../../../shared/contract/provision.js'
import type { ProvisionService } from './provision-service.js'

export function provisionHandlers(deps: { provision: ProvisionService; idOf: (idOrName: string) => string }): HandlersFor<typeof provisionContract> {
  const { provision, idOf } = deps
  return {
    'provision.plan': async (input) => provision.plan(idOf(input.serverId), input),
    'provision.run': async (input) => provision.run(idOf(input.serverId), input),
  }
}
