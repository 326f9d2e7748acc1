// Fixed locations of the parts shared by every run on this machine (engine, registry, users, client keys).
// The users' ~/.profile names the engine socket, so that socket path cannot change between runs.

export const SHARED_DIR = '/run/homeport-test'
/** root-only: state file, client keys, passwords. */
export const PRIVATE_DIR = `${SHARED_DIR}/private`
export const STATE_FILE = `${PRIVATE_DIR}/state.json`
export const CLIENT_KEYS_DIR = `${PRIVATE_DIR}/keys`
/** Held with flock(1) while a run acquires or releases the shared parts; outside SHARED_DIR so it survives its removal. */
export const LOCK_FILE = '/run/homeport-test.lock'

export const DEFAULT_DOCKER_SOCKET = `${SHARED_DIR}/docker.sock`
export const ENGINE_PID_FILE = `${SHARED_DIR}/docker.pid`
export const ENGINE_EXEC_ROOT = `${SHARED_DIR}/exec`
export const ENGINE_DATA_ROOT = '/var/lib/homeport-test/docker'
export const ENGINE_LOG = '/var/lib/homeport-test/dockerd.log'
export const REGISTRY_DIR = '/var/lib/homeport-test/registry'
export const STATE_ROOT = '/var/lib/homeport-test'

/** Our engine's bridge and address pools, away from docker0 (172.17/16) and the default pools. */
export const BRIDGE_NAME = 'hptest0'
export const BRIDGE_CIDR = '10.213.0.1/24'
export const ADDRESS_POOL = 'base=10.214.0.0/16,size=24'

export const TEST_USER = 'hptest'
export const NO_DOCKER_USER = 'hptest-nodocker'
/**
 * Users made fresh by set-up tests (sudo with a password, not in group docker, no key yet): one per test
 * file, `hptest-sudo-<tag>`, so files that run at the same time never share one. sshd allows the pattern.
 */
export const SUDO_USER_PATTERN = 'hptest-sudo-*'
export const sudoUserName = (tag: string): string => `hptest-sudo-${tag}`

/** Per-run work dirs (sshd configs, host keys, logs, D-Bus, keyring) are created with this prefix. */
export const RUN_DIR_PREFIX = '/tmp/homeport-test-run-'
