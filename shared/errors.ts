// The closed set of error codes that cross from the core to any front end (window, CLI, web host).
// Each code carries a default message and a hint that tells a person what to do next, worded twice: `hint`
// in the window's terms (pages, tabs, check boxes), `cliHint` in the CLI's (commands, flags). A thrower may
// give a more specific message (naming the server, the file, the fingerprint) but keeps the code.

export const ERROR_CODES = {
  AUTH_FAILED: {
    message: 'The server refused the login.',
    hint: 'Check the user name and the password or key; for a key, make sure its public half is in ~/.ssh/authorized_keys on the server.',
    cliHint: 'Check --user and the key given to --identity or the password given to --password-stdin; for a key, make sure its public half is in ~/.ssh/authorized_keys on the server.',
  },
  HOST_KEY_MISMATCH: {
    message: "The server's host key has changed since it was pinned.",
    hint: 'If the server was reinstalled, check the new fingerprint on the server (`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub`), then use Replace host key on the server page. Otherwise someone may be intercepting the connection: do not connect.',
    cliHint: 'If the server was reinstalled, check the new fingerprint on the server (`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub`) and replace the pinned key with `homeport server trust NAME --host-key SHA256:…`. Otherwise someone may be intercepting the connection: do not connect.',
  },
  HOST_KEY_UNKNOWN: {
    message: "The server's host key is not trusted yet.",
    hint: 'Compare the SHA256 fingerprint with `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the server, then accept it.',
    cliHint: 'Compare the SHA256 fingerprint with `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the server, then run again with --host-key SHA256:… (or --trust-on-first-use).',
  },
  HOST_KEY_REJECTED: {
    message: "The server's host key was not accepted.",
    hint: 'Connect again and accept the fingerprint once you have checked it.',
    cliHint: 'Run the command again on a terminal and accept the fingerprint once you have checked it, or pass --host-key SHA256:….',
  },
  UNREACHABLE: {
    message: 'The server could not be reached.',
    hint: 'Check the host name and port, that the server is on, and that sshd is running (`systemctl status ssh`).',
    cliHint: 'Check the host name and --port, that the server is on, and that sshd is running (`systemctl status ssh`).',
  },
  TIMEOUT: {
    message: 'The server did not answer in time.',
    hint: 'Check the network between this computer and the server, then try again.',
    cliHint: 'Check the network between this computer and the server, then run the command again.',
  },
  CONNECTION_LOST: {
    message: 'The connection to the server was lost.',
    hint: 'Homeport reconnects by itself; if it keeps failing, check the network and the server.',
    cliHint: 'Check the network and the server, then run the command again.',
  },
  KEY_INVALID: {
    message: 'The private key could not be read.',
    hint: 'Check the key file path and its passphrase; OpenSSH, PEM and PPK keys (ed25519, ecdsa, rsa) are supported.',
    cliHint: 'Check the file given to --identity and its passphrase (--password-stdin); OpenSSH, PEM and PPK keys (ed25519, ecdsa, rsa) are supported.',
  },
  PASSPHRASE_REQUIRED: {
    message: 'The private key is protected by a passphrase.',
    hint: 'Enter the key\'s passphrase; it is stored in the OS keychain.',
    cliHint: 'Pass the passphrase on standard input with --password-stdin; it is stored in the OS keychain.',
  },
  SSH_CONFIG_INVALID: {
    message: 'The SSH configuration could not be used.',
    hint: 'Check ~/.ssh/config for the Host entry named in the message.',
    cliHint: 'Check ~/.ssh/config for the Host entry named in the message.',
  },
  DOCKER_NOT_INSTALLED: {
    message: 'Docker is not installed on the server.',
    hint: 'Install Docker on the server (the provisioning wizard can do it, or `apt install docker.io`).',
    cliHint: 'Install Docker on the server (`homeport provision SERVER` does it, or `apt install docker.io`).',
  },
  DOCKER_PERMISSION: {
    message: 'The SSH user may not use Docker on the server.',
    hint: 'Add the user to the docker group on the server (`sudo usermod -aG docker USER`), then reconnect.',
    cliHint: 'Add the user to the docker group on the server (`sudo usermod -aG docker USER`), then run the command again.',
  },
  DOCKER_DOWN: {
    message: 'Docker is installed on the server but its engine is not running.',
    hint: 'Start it on the server (`sudo systemctl start docker`).',
    cliHint: 'Start it on the server (`sudo systemctl start docker`), then run the command again.',
  },
  DOCKER_ERROR: {
    message: 'Docker reported an error.',
    hint: 'Open the details for Docker\'s own answer; the same docker command run on the server usually tells more.',
    cliHint: 'Run the same docker command on the server (over ssh) to see Docker\'s full answer.',
  },
  REGISTRY_UNREACHABLE: {
    message: 'The server could not reach the image registry.',
    hint: "Check the server's DNS and network (can it reach the registry named in the message?), or set a registry mirror on the server page so Docker Hub images come from a registry it can reach.",
    cliHint: "Check the server's DNS and network (can it reach the registry named in the message?), or set a registry mirror it can reach with `homeport apps mirror SERVER HOST`.",
  },
  IMAGE_NOT_FOUND: {
    message: 'The image was not found in its registry.',
    hint: "Check the image name and tag in the compose file; with a registry mirror, check that the mirror serves that image, or clear the mirror on the server page.",
    cliHint: 'Check the image name and tag in the compose file; with a registry mirror, check that the mirror serves that image, or clear it with `homeport apps mirror SERVER --clear`.',
  },
  REGISTRY_AUTH: {
    message: 'The image registry wants a login.',
    hint: 'Homeport pulls without a login: on the server, run `docker login REGISTRY` and `docker pull IMAGE` once (the install then uses the pulled image), or use a public image.',
    cliHint: 'Homeport pulls without a login: on the server, run `docker login REGISTRY` and `docker pull IMAGE` once (the install then uses the pulled image), or use a public image.',
  },
  RATE_LIMITED: {
    message: 'The image registry refused more pulls for now (rate limit).',
    hint: 'Wait and try again later (Docker Hub counts anonymous pulls per address over six hours), or set a registry mirror on the server page.',
    cliHint: 'Wait and run the command again later (Docker Hub counts anonymous pulls per address over six hours), or set a registry mirror with `homeport apps mirror SERVER HOST`.',
  },
  AGENT_FAILED: {
    message: 'The Homeport agent on the server did not answer as expected.',
    hint: 'Homeport reinstalls it on the next call; if this repeats, open Set-up on the server page, run it again and read the details.',
    cliHint: 'Homeport reinstalls it on the next call; if this repeats, run `homeport agent SERVER hello` and read what it prints.',
  },
  UNSUPPORTED_OS: {
    message: 'Homeport cannot set up this operating system.',
    hint: 'Set-up supports Debian, Ubuntu, Raspberry Pi OS, Fedora, Arch and Alpine. Install Docker yourself, then add the server again.',
    cliHint: 'Set-up supports Debian, Ubuntu, Raspberry Pi OS, Fedora, Arch and Alpine. Install Docker yourself, then run `homeport server add` again.',
  },
  SUDO_AUTH_FAILED: {
    message: 'sudo refused the password; nothing was changed.',
    hint: 'Type the password of the SSH user on the server (the one sudo asks for), and check that the user may use sudo.',
    cliHint: 'Pass the password of the SSH user on the server (the one sudo asks for) with --sudo-password-stdin, and check that the user may use sudo.',
  },
  SUDO_UNAVAILABLE: {
    message: 'This step needs root, and the SSH user cannot use sudo.',
    hint: 'Install sudo and add the user to the sudo (or wheel) group as root on the server, then run set-up again.',
    cliHint: 'Install sudo and add the user to the sudo (or wheel) group as root on the server, then run `homeport provision SERVER` again.',
  },
  COMMAND_FAILED: {
    message: 'A command on the server failed.',
    hint: 'Read the job log for its output; fix the cause on the server, then run it again (set-up resumes where it stopped).',
    cliHint: 'Read the output printed above; fix the cause on the server, then run `homeport provision SERVER` again (it resumes where it stopped).',
  },
  APP_START_FAILED: {
    message: 'The app did not start.',
    hint: 'Everything this run changed was undone. Open the app\'s Logs tab to see why it failed.',
    cliHint: 'Everything this run changed was undone. Read the app\'s logs (`homeport apps logs SERVER APP`) to see why it failed.',
  },
  APP_BUSY: {
    message: 'Another Homeport is changing this app on the server.',
    hint: 'Wait until it has finished, then try again. A holder whose SSH connection to the server is gone no longer counts.',
    cliHint: 'Wait until it has finished, then run the command again. A holder whose SSH connection to the server is gone no longer counts.',
  },
  TASK_RUNNING: {
    message: 'The task is still running on the server; a task runs one at a time.',
    hint: 'Wait for the run to end (its state shows in the task history), then run it again.',
    cliHint: 'Wait for the run to end (`homeport tasks history SERVER TASK`), then run it again.',
  },
  ROLLBACK_INCOMPLETE: {
    message: 'The rollback did not bring everything back as it was.',
    hint: 'The message names what is not as before. Homeport tries again the next time it connects to the server; if it stays, fix what it names on the server (or remove the app).',
    cliHint: 'The message names what is not as before. Homeport tries again the next time it connects to the server; if it stays, fix what it names on the server (or `homeport apps remove SERVER APP`).',
  },
  HOST_ACCESS_NOT_ACCEPTED: {
    message: 'The app asks for access to the server itself, and that was not accepted.',
    hint: 'Read the risks the plan lists; install it only if you trust it, then tick the check box that allows this access.',
    cliHint: 'Read the risks the plan lists (`homeport apps plan`); install it only if you trust it, then add --allow-host-access.',
  },
  PORT_IN_USE: {
    message: 'A port the app needs is already used on the server.',
    hint: 'Choose another port in the app\'s settings, or stop what uses it on the server.',
    cliHint: 'Choose another port with --env (for example --env WEB_PORT=8081), or stop what uses it on the server.',
  },
  NOT_FOUND: {
    message: 'Not found.',
    hint: 'Check the name; the sidebar lists the servers Homeport knows.',
    cliHint: 'Check the name; `homeport server list` shows the servers Homeport knows.',
  },
  ALREADY_EXISTS: {
    message: 'That name is already taken.',
    hint: 'Choose another name, or remove the existing one first.',
    cliHint: 'Choose another name, or remove the existing one first.',
  },
  INVALID_INPUT: {
    message: 'The request is not valid.',
    hint: 'Correct the fields named in the message.',
    cliHint: 'Correct the values named in the message; `homeport COMMAND --help` shows the usage.',
  },
  SECRET_STORE_UNAVAILABLE: {
    message: 'The OS keychain is not available; secrets are kept in memory for this session only.',
    hint: 'Unlock or install a keychain (GNOME Keyring, KWallet, macOS Keychain, Windows Credential Manager) so Homeport can remember passwords.',
    cliHint: 'Unlock or install a keychain (GNOME Keyring, KWallet, macOS Keychain, Windows Credential Manager) so Homeport can remember passwords; until then pass them with --password-stdin.',
  },
  CANCELLED: {
    message: 'The operation was cancelled.',
    hint: 'Nothing was left half-done; start it again when ready.',
    cliHint: 'Nothing was left half-done; run the command again when ready.',
  },
  FORBIDDEN: {
    message: 'This caller may not use Homeport.',
    hint: 'Use the token printed when the web host started.',
    cliHint: 'Use the token printed when the web host started.',
  },
  COMPOSE_INVALID: {
    message: 'The compose file is not valid.',
    hint: 'Fix the compose file at the path named in the message (YAML syntax, key names, value types), then try again.',
    cliHint: 'Fix the compose file at the path named in the message (YAML syntax, key names, value types), then run the command again.',
  },
  COMPOSE_UNSUPPORTED: {
    message: 'The compose file uses features Homeport cannot honour.',
    hint: 'Remove or replace the keys named in the message; each says what to use instead.',
    cliHint: 'Remove or replace the keys named in the message; each says what to use instead.',
  },
  BUILD_FAILED: {
    message: 'The image could not be built on the server.',
    hint: "Read the failing step and its output in the details, fix the Dockerfile or the files it uses, then try again; what was running was left as it was.",
    cliHint: "Read the failing step and its output in the details, fix the Dockerfile or the files it uses, then run the command again; what was running was left as it was.",
  },
  BUILD_CONTEXT_INVALID: {
    message: 'The build context could not be read.',
    hint: 'Check that the build folder named in the message exists on this computer and is readable, and that its Dockerfile is inside it.',
    cliHint: 'Check that the build folder named in the message exists on this computer and is readable, and that its Dockerfile is inside it.',
  },
  LOCAL_DOCKER_UNAVAILABLE: {
    message: 'No Docker engine answers on this computer.',
    hint: 'Start Docker on this computer, or choose to build on the server.',
    cliHint: 'Start Docker on this computer (or point DOCKER_HOST at it), or build on the server: `--build-server`, or `build: server` in homeport.yml.',
  },
  PLATFORM_MISMATCH: {
    message: 'The image built on this computer cannot run on the server.',
    hint: "Enable emulation for the server's architecture in this computer's Docker (binfmt/QEMU), or choose to build on the server.",
    cliHint: "Enable emulation for the server's architecture in this computer's Docker (binfmt/QEMU), or build on the server: `--build-server`, or `build: server` in homeport.yml.",
  },
  SECRET_SOURCE_MISSING: {
    message: 'A secret of the compose file has no content to send.',
    hint: 'Create the file named in the message beside the compose file (or give the variable a value), then try again; nothing was changed on the server.',
    cliHint: 'Create the file named in the message beside the compose file (or give the variable a value with --env), then run the command again; nothing was changed on the server.',
  },
  HEALTH_CHECK_FAILED: {
    message: 'The new version did not pass its health check; the version that served keeps serving.',
    hint: "Read the new version's log in the details, fix the code or the health path in homeport.yml, then deploy again.",
    cliHint: "Read the new version's log printed below, fix the code or `health.path` in homeport.yml, then run `homeport deploy` again.",
  },
  COMPOSE_VARIABLE_MISSING: {
    message: 'The compose file needs a variable that has no value.',
    hint: "Give the variable a value in the app's settings (or the .env file next to the compose file), then try again.",
    cliHint: 'Give the variable a value with --env NAME=VALUE (or --env-file FILE), then run the command again.',
  },
  BACKUP_AUTH_FAILED: {
    message: 'The backup repository refused its password.',
    hint: 'Give the password the repository was created with; without it, its snapshots cannot be read.',
    cliHint: 'Give the password the repository was created with (`homeport backups repo add … --password-stdin`); without it, its snapshots cannot be read.',
  },
  BACKUP_TARGET_UNREACHABLE: {
    message: 'The server could not reach the backup repository.',
    hint: 'Check from the server that the host and port answer and that the repository\'s SSH key or S3 keys are accepted there; nothing was left running.',
    cliHint: 'Check from the server that the host and port answer and that the repository\'s SSH key or S3 keys are accepted there; nothing was left running.',
  },
  BACKUP_DAMAGED: {
    message: 'The backup does not restore as it was taken.',
    hint: 'Take a new backup of the app now, check the repository, and look after the disk or host it is on.',
    cliHint: 'Take a new backup now (`homeport backups run SERVER APP`), then run `homeport backups repo check SERVER REPO` and look after the disk or host the repository is on.',
  },
  BACKUP_FAILED: {
    message: 'restic reported an error.',
    hint: 'Read the details for what restic said; the repository is left as it was (checking the repository confirms it).',
    cliHint: 'Read the details for what restic said; the repository is left as it was (`homeport backups repo check SERVER REPO` confirms it).',
  },
  DISK_FULL: {
    message: 'The disk on the server is full.',
    hint: 'Free some space on the server (`df -h` shows which disk), then try again; the file that was being written was removed and the old one left as it was.',
    cliHint: 'Free some space on the server (`df -h` shows which disk), then run the command again; the file that was being written was removed and the old one left as it was.',
  },
  PERMISSION_DENIED: {
    message: 'The SSH user may not do that on the server.',
    hint: 'Pick a place the SSH user may write to, or change the owner or mode of the path named in the message on the server (as root: chown, chmod).',
    cliHint: 'Pick a place the SSH user may write to, or change the owner or mode of the path named in the message on the server (as root: chown, chmod).',
  },
  FILE_CHANGED: {
    message: 'The file changed on the server since it was opened.',
    hint: 'Nothing was written. Open the file again to see the other change, then merge your edit into it and save.',
    cliHint: 'Nothing was written. Run the command again once nothing else changes the file.',
  },
  NAME_CLASH: {
    message: 'Something with that name is already there.',
    hint: 'Choose another name, allow overwriting, or move the existing one away first.',
    cliHint: 'Choose another name, or run again with --overwrite, --skip or --rename.',
  },
  NOT_TEXT: {
    message: 'The file cannot be opened as text.',
    hint: 'Download it instead; the editor opens UTF-8 text files up to the size named in the message.',
    cliHint: 'Download it with `homeport files get SERVER PATH DIR` instead.',
  },
  INTERNAL: {
    message: 'Something went wrong inside Homeport.',
    hint: 'Try again; if it persists, report it with the details.',
    cliHint: 'Run the command again with --verbose; if it persists, report it with what it prints.',
  },
} as const satisfies Record<string, { message: string; hint: string; cliHint: string }>

export type ErrorCode = keyof typeof ERROR_CODES

export interface ErrorInfo {
  code: ErrorCode
  message: string
  hint: string
  /** The hint in the CLI's words, when it differs from `hint`; the CLI prints it instead. */
  cliHint?: string
  details?: string
}

export class HomeportError extends Error {
  readonly code: ErrorCode
  readonly hint: string
  readonly cliHint: string
  readonly details?: string

  /** A specific `hint` without a `cliHint` is meant for both places. */
  constructor(code: ErrorCode, message?: string, opts: { hint?: string; cliHint?: string; details?: string; cause?: unknown } = {}) {
    super(message ?? ERROR_CODES[code].message, opts.cause === undefined ? undefined : { cause: opts.cause })
    this.name = 'HomeportError'
    this.code = code
    this.hint = opts.hint ?? ERROR_CODES[code].hint
    this.cliHint = opts.cliHint ?? opts.hint ?? ERROR_CODES[code].cliHint
    this.details = opts.details
  }

  toJSON(): ErrorInfo {
    return {
      code: this.code,
      message: this.message,
      hint: this.hint,
      ...(this.cliHint !== this.hint ? { cliHint: this.cliHint } : {}),
      ...(this.details ? { details: this.details } : {}),
    }
  }

  static from(info: ErrorInfo): HomeportError {
    return new HomeportError(info.code, info.message, { hint: info.hint, cliHint: info.cliHint, details: info.details })
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, value)
}

/** Turns anything thrown into the envelope's error shape; raw library text only ever lands in `details`. */
export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof HomeportError) return err.toJSON()
  const raw = err instanceof Error ? err.message : String(err)
  const { message, hint, cliHint } = ERROR_CODES.INTERNAL
  return { code: 'INTERNAL', message, hint, cliHint, details: raw }
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo }
