// Set-up steps about getting in: the connection, a key login instead of a password, and (only when asked,
// and only once a key login works) turning password login off.

import { HomeportError } from '../../../shared/errors.js'
import { quoteArgv } from '../connection/quote.js'
import { offersPassword } from './auth-methods-probe.js'
import { AUTHORIZE_SCRIPT, existingLoginKey, generateLoginKey, type LoginKey } from './homeport-key.js'
import { nothingToRun, type ProvisionContext, type ProvisionStep } from './provision-context.js'

// sshd keeps the first value it reads for a keyword, and cloud images ship drop-ins such as
// 50-cloud-init.conf with `PasswordAuthentication yes`: ours must sort first.
const SSHD_DROP_IN = '/etc/ssh/sshd_config.d/01-homeport.conf'
const SSHD_DROP_IN_TEXT = '# Written by Homeport set-up: log in with keys only.\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n'

export const connectStep: ProvisionStep = {
  id: 'connect',
  title: 'Connect to the server',
  async check(ctx) {
    await ctx.session()
    const s = ctx.server()
    return nothingToRun('done', `Connected as ${s.user}@${s.host}:${s.port} (${s.authMethod} login).`)
  },
  async apply() {},
  async verify(ctx) {
    await ctx.session()
    return 'connected'
  },
}

function authorizeArgv(key: LoginKey): string[] {
  return ['sh', '-c', AUTHORIZE_SCRIPT, 'homeport-authorize', key.publicLine]
}

export const keyStep: ProvisionStep = {
  id: 'key',
  title: 'Log in with a key',
  async check(ctx) {
    const s = ctx.server()
    if ((s.authMethod === 'key' || s.authMethod === 'agent') && !ctx.options.identityFile) {
      return nothingToRun('done', `Already logs in with ${s.authMethod === 'agent' ? 'the SSH agent' : `the key ${s.identityFile}`}.`)
    }
    const which = ctx.options.identityFile ? `your key ${ctx.options.identityFile}` : 'a new ed25519 key made for Homeport (its passphrase kept in the keychain)'
    return {
      status: 'todo',
      detail: `Logs in with a ${s.authMethod} now; will add ${which} to ~/.ssh/authorized_keys, test a login with it, and use it from then on.`,
      commands: [quoteArgv(['sh', '-c', AUTHORIZE_SCRIPT, 'homeport-authorize', '<public key>'])],
      needsSudo: false,
    }
  },
  async apply(ctx) {
    const key = ctx.options.identityFile ? existingLoginKey(ctx.options.identityFile) : generateLoginKey(ctx.dataDir, ctx.serverId)
    ctx.log(`Public key: ${key.publicLine}`)
    const res = await ctx.run(authorizeArgv(key))
    if (res.code !== 0) throw new HomeportError('INTERNAL', 'Could not add the key to ~/.ssh/authorized_keys on the server.', { details: res.output })
    await ctx.testKeyLogin(key)
    ctx.log('A login with the key works.')
    await ctx.switchToKey(key)
    await ctx.reconnect()
  },
  async verify(ctx) {
    const s = ctx.server()
    if (s.authMethod !== 'key' && s.authMethod !== 'agent') throw new HomeportError('AUTH_FAILED', 'The server entry still logs in with a password.')
    await ctx.session()
    return `logs in with ${s.identityFile ?? 'the SSH agent'}`
  },
}

/** sshd re-executes itself on reload: for a moment nothing listens on its port. */
async function methodsAfterReload(ctx: ProvisionContext): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.authMethods()
    } catch (err) {
      if (!(err instanceof HomeportError) || err.code !== 'UNREACHABLE' || attempt >= 20) throw err
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
  }
}

export const passwordLoginStep: ProvisionStep = {
  id: 'password-login',
  title: 'Turn off password login',
  async check(ctx) {
    const shown = [`sudo sh -c 'printf … > ${SSHD_DROP_IN}'`, 'sudo sshd -T', 'sudo systemctl reload ssh']
    if (!ctx.options.disablePasswordLogin) {
      return nothingToRun('skipped', 'Password login stays on (opt in to turn it off once a key login works).')
    }
    const methods = await ctx.authMethods()
    if (!offersPassword(methods)) return nothingToRun('done', `The server offers only ${methods.join(', ') || 'no password'} logins.`)
    const s = ctx.server()
    if (s.authMethod !== 'key' && s.authMethod !== 'agent') {
      return { status: 'todo', detail: 'Once the key login above works, password login will be turned off.', commands: shown, needsSudo: true }
    }
    return { status: 'todo', detail: `The server still offers ${methods.join(', ')}; password login will be turned off.`, commands: shown, needsSudo: true }
  },
  async apply(ctx) {
    const s = ctx.server()
    if (s.authMethod !== 'key' && s.authMethod !== 'agent') {
      throw new HomeportError('FORBIDDEN', 'Password login is turned off only after a key login works.', { hint: 'Let set-up install a key first.' })
    }
    const write = await ctx.run(['sh', '-c', 'mkdir -p /etc/ssh/sshd_config.d && printf "%s" "$1" > "$2"', 'homeport-sshd', SSHD_DROP_IN_TEXT, SSHD_DROP_IN], { asRoot: true })
    if (write.code !== 0) throw new HomeportError('INTERNAL', `Could not write ${SSHD_DROP_IN}.`, { details: write.output })
    const test = await ctx.run(['sshd', '-T'], { asRoot: true, allowFailure: true })
    const effective = /^passwordauthentication (\w+)$/m.exec(test.output)?.[1]
    if (test.code !== 0 || effective !== 'no') {
      await ctx.run(['rm', '-f', '--', SSHD_DROP_IN], { asRoot: true, allowFailure: true })
      throw new HomeportError('INTERNAL', test.code !== 0 ? 'sshd refused the new setting; it was removed again and password login is unchanged.' : `sshd would still allow passwords (PasswordAuthentication ${effective ?? 'unknown'}): another setting wins over ${SSHD_DROP_IN}, which was removed again.`, {
        hint: 'Look for PasswordAuthentication in /etc/ssh/sshd_config and its Include files on the server.',
        details: test.output.slice(-2000),
      })
    }
    const init = (await ctx.hello()).init
    const reload = init === 'openrc' ? ['rc-service', 'sshd', 'reload'] : ['sh', '-c', 'systemctl reload ssh 2>/dev/null || systemctl reload sshd']
    await ctx.run(reload, { asRoot: true })
  },
  async verify(ctx) {
    const methods = await methodsAfterReload(ctx)
    if (offersPassword(methods)) {
      throw new HomeportError('INTERNAL', `The server still offers password login (${methods.join(', ')}).`, {
        hint: `Its sshd_config may not include /etc/ssh/sshd_config.d/ or may set PasswordAuthentication before the Include; ${SSHD_DROP_IN} is in place.`,
      })
    }
    return `password login refused; the server offers ${methods.join(', ')}`
  },
}
