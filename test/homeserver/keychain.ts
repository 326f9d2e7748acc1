import { spawn } from 'node:child_process'
import { closeSync, mkdirSync, openSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { isAlive, run, stopPid, waitUntil } from './process.js'

export interface KeychainState {
  dbusAddress: string
  dbusPid: number
  keyringPid: number
}

/**
 * A private D-Bus session bus with gnome-keyring's Secret Service on it, unlocked with a throwaway
 * password. Its keyring files live under `dir`, so the machine's own keyrings are never touched.
 */
export async function startKeychain(dir: string, password: string): Promise<KeychainState> {
  const home = join(dir, 'keyring-home')
  mkdirSync(join(home, 'data'), { recursive: true, mode: 0o700 })
  const dbusAddress = `unix:path=${join(dir, 'dbus.sock')}`
  const bus = await run('dbus-daemon', ['--session', `--address=${dbusAddress}`, '--fork', '--print-pid=1', '--nopidfile'])
  const dbusPid = Number(bus.stdout.trim().split('\n')[0])
  if (!Number.isInteger(dbusPid) || dbusPid <= 0) throw new Error(`dbus-daemon printed no pid: ${bus.stdout}`)

  const env = {
    ...process.env,
    DBUS_SESSION_BUS_ADDRESS: dbusAddress,
    HOME: home,
    XDG_DATA_HOME: join(home, 'data'),
    XDG_RUNTIME_DIR: home,
  }
  const logPath = join(dir, 'gnome-keyring.log')
  const logFd = openSync(logPath, 'a')
  let keyringPid: number
  try {
    // --unlock reads the keyring password from stdin; --foreground keeps the pid ours to stop.
    const child = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], {
      env,
      detached: true,
      stdio: ['pipe', logFd, logFd],
    })
    child.stdin?.end(password)
    child.unref()
    if (child.pid === undefined) throw new Error('could not start gnome-keyring-daemon')
    keyringPid = child.pid
  } finally {
    closeSync(logFd)
  }
  const state = { dbusAddress, dbusPid, keyringPid }
  const ready = await waitUntil(async () => !isAlive(keyringPid) || (await secretServiceOwned(dbusAddress)), 15_000, 100)
  if (!ready || !isAlive(keyringPid)) {
    const log = await readFile(logPath, 'utf8').catch(() => '')
    await stopKeychain(state)
    throw new Error(`gnome-keyring-daemon did not provide org.freedesktop.secrets: ${log.slice(-1000)}`)
  }
  return state
}

async function secretServiceOwned(dbusAddress: string): Promise<boolean> {
  const result = await run(
    'dbus-send',
    ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', 'string:org.freedesktop.secrets'],
    { env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: dbusAddress }, allowFailure: true },
  )
  return result.code === 0 && result.stdout.includes('boolean true')
}

export async function stopKeychain(state: Partial<KeychainState> | undefined): Promise<void> {
  if (!state) return
  await stopPid(state.keyringPid)
  await stopPid(state.dbusPid)
}

/**
 * A set/get/delete round trip through keytar, in a child process: libsecret binds to the session bus the
 * first time it is used, so checking in this process could pin it to the wrong bus.
 */
export async function verifyKeychain(dbusAddress: string): Promise<void> {
  const keytarPath = createRequire(import.meta.url).resolve('keytar')
  const script = `
    const keytar = require(${JSON.stringify(keytarPath)});
    (async () => {
      const service = 'homeport-test-keychain-check', account = 'probe-' + process.pid, secret = 'probe-' + Date.now();
      await keytar.setPassword(service, account, secret);
      const read = await keytar.getPassword(service, account);
      const deleted = await keytar.deletePassword(service, account);
      if (read !== secret || deleted !== true) throw new Error('keytar round trip returned ' + JSON.stringify({ read, deleted }));
    })().catch((error) => { console.error(String(error && error.message || error)); process.exit(1) });
  `
  const result = await run(process.execPath, ['-e', script], {
    env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: dbusAddress },
    allowFailure: true,
  })
  if (result.code !== 0) throw new Error(`keytar cannot use the test keychain: ${result.stderr.trim()}`)
}
