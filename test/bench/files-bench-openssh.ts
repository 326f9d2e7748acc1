// The anchors of `npm run bench:files`: OpenSSH's own sftp, scp and `ssh host cat` (to /dev/null, into a
// file, and from a file up) against the test home server, with aes128-gcm, a private known_hosts and no ssh
// config of the machine's. Each run is timed from spawn to exit; what connecting alone costs (an sftp run
// with an empty batch, `ssh host true`) is taken off the anchors' times so they are compared on the transfer
// itself.

import { spawn } from 'node:child_process'
import { closeSync, openSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { run } from '../homeserver/process.js'
import type { HomeServerInfo } from '../homeserver/types.js'

export interface OpenSsh {
  /** Runs an sftp batch; resolves with the wall time in ms. */
  sftp(batch: string): Promise<number>
  /** `scp -r` from `from` to `to` (remote side written `:path`). */
  scpRecursive(from: string, to: string): Promise<number>
  /** `ssh host cat FILE > /dev/null`. */
  catToNull(file: string): Promise<number>
  /** `ssh host cat FILE > LOCAL`: a download as fast as one SSH channel and a file write allow. */
  catToFile(file: string, local: string): Promise<number>
  /** `ssh host 'cat > FILE' < LOCAL`: the same for an upload. */
  catUp(local: string, file: string): Promise<number>
  sshTrue(): Promise<number>
}

/** Where a run's input comes from and its output goes: text on stdin (default empty), or files. */
interface Redirect {
  input?: string
  stdinFile?: string
  stdoutFile?: string
}

/** One run, once more if ssh itself failed (255: the connection was cut, e.g. by another test on the same sshd). */

async function timed(file: string, args: string[], redirect: Redirect = {}): Promise<number> {
  try {
    return await timedOnce(file, args, redirect)
  } catch (err) {
    if (!/exited 255/.test(String(err))) throw err
    console.log(`  (${file} lost its connection; running it again)`)
    return timedOnce(file, args, redirect)
  }
}

function timedOnce(file: string, args: string[], redirect: Redirect): Promise<number> {
  return new Promise((resolve, reject) => {
    const stdin = redirect.stdinFile !== undefined ? openSync(redirect.stdinFile, 'r') : 'pipe'
    const stdout = redirect.stdoutFile !== undefined ? openSync(redirect.stdoutFile, 'w') : 'ignore'
    const started = performance.now()
    const child = spawn(file, args, { stdio: [stdin, stdout, 'pipe'] })
    for (const fd of [stdin, stdout]) if (typeof fd === 'number') closeSync(fd)
    let stderr = ''
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`${file} ${args.join(' ')} exited ${code}: ${stderr}`))))
    child.stdin?.end(redirect.input ?? '')
  })
}

export async function openSsh(info: HomeServerInfo, dir: string): Promise<OpenSsh> {
  const knownHosts = join(dir, 'known_hosts')
  writeFileSync(knownHosts, (await run('ssh-keyscan', ['-p', String(info.sshPort), '-t', 'ed25519', info.host])).stdout)
  const options = [
    '-F', '/dev/null', '-i', info.keys.ed25519, '-c', 'aes128-gcm@openssh.com',
    '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'LogLevel=ERROR',
  ]
  const at = `${info.user}@${info.host}`
  return {
    sftp: (batch) => timed('sftp', ['-P', String(info.sshPort), ...options, '-b', '-', at], { input: batch }),
    scpRecursive: (from, to) => timed('scp', ['-P', String(info.sshPort), ...options, '-r', from.replace(/^:/, `${at}:`), to.replace(/^:/, `${at}:`)]),
    catToNull: (file) => timed('ssh', ['-p', String(info.sshPort), ...options, at, 'cat', file]),
    catToFile: (file, local) => timed('ssh', ['-p', String(info.sshPort), ...options, at, 'cat', file], { stdoutFile: local }),
    // The bench's paths hold no characters a shell would read.
    catUp: (local, file) => timed('ssh', ['-p', String(info.sshPort), ...options, at, `cat > ${file}`], { stdinFile: local }),
    sshTrue: () => timed('ssh', ['-p', String(info.sshPort), ...options, at, 'true']),
  }
}
