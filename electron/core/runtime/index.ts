// The core's public face for front ends (Electron main, CLI, web host).
export { createCore, newClientId, type Core, type CoreParts } from './create-core.js'
export { createDispatch, type Dispatch } from './dispatch.js'
export type { CoreOptions, SecretStore, Prompter, EventSink, Logger } from './types.js'
export { resolveDataDir } from '../store/data-dir.js'
export { createSecretStore } from '../secrets/create-secret-store.js'
export { EventPrompter } from '../prompts/event-prompter.js'
export { APP_VERSION } from './app-version.js'
export { createConsoleLogger } from './console-logger.js'
