export { KEYCHAIN_SERVICE, serverSecretAccount, type SecretKind } from './accounts.js'
export { MemorySecretStore } from './memory-store.js'
export { KeychainSecretStore, loadKeytar, type KeytarApi } from './keychain-store.js'
export { createSecretStore, type SecretStoreChoice } from './create-secret-store.js'
