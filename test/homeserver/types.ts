// What the test home server hands to integration and e2e tests (vitest `provide`/`inject('homeserver')`).
// The "server" is this machine: sshd on loopback ports, a dedicated user, a Docker engine on its own socket.

export interface HomeServerInfo {
  available: boolean
  /** One line saying why integration tests skip (not root, not Linux…). */
  reason?: string
  host: string
  sshPort: number
  /** A second sshd used as a ProxyJump host. */
  jumpPort: number
  /** A third sshd with `AllowStreamLocalForwarding no` (for the `docker system dial-stdio` fallback). */
  noStreamLocalPort: number
  user: string
  password: string
  /** A user with a valid login who is NOT in group docker. */
  noDockerUser: string
  noDockerPassword: string
  keys: {
    ed25519: string
    ecdsa: string
    rsa: string
    /** ed25519 key protected by `encryptedPassphrase`. */
    encrypted: string
    encryptedPassphrase: string
  }
  /** `SHA256:…` of the main sshd's ed25519 host key, as ssh-keygen -l prints it. */
  hostKeyFingerprint: string
  /** A different host key file usable to simulate a changed key (restart with it via `swapHostKey`). */
  sshdConfigPath: string
  sshdPidFile: string
  sshdLog: string
  /** Docker engine socket on the "server" (this machine); the remote user's DOCKER_HOST points here. */
  dockerSocket: string
  /** unix:// URL for a local docker CLI/dockerode talking straight to the engine (the benchmark anchor). */
  dockerHost: string
  registry: string
  /** Images pushed to the registry and present in the engine, e.g. `127.0.0.1:5000/homeport/busybox:1`. */
  images: string[]
  /** Scratch dir for the test run (keys, configs, logs); removed at teardown. */
  workDir: string
  /** `SHA256:…` of the ed25519 host key the main sshd serves after `swapHostKey('alternate')`. */
  alternateHostKeyFingerprint: string
  /** sshd config for the main port with the alternate host key (used by `swapHostKey`). */
  alternateSshdConfigPath: string
  /** Session bus with the test keychain (gnome-keyring Secret Service); also set as DBUS_SESSION_BUS_ADDRESS. */
  dbusSessionBusAddress: string
}
