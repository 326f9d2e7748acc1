// The `homeport` command tree. Errors of every kind (commander's usage errors, invalid input, core
// errors) leave through one place: `error CODE: message`, `hint: …` on stderr, exit 2 or 1. Each command
// names where it may run (cli-core.ts): a running Homeport's connection, or the CLI's own.

import { Command, CommanderError } from 'commander'
import { APP_VERSION } from '../core/runtime/index.js'
import { openCliCore, type CliCore } from './cli-core.js'
import { errorInfo, exitCodeFor, formatDetails, formatError } from './output.js'
import { registerPsCommand } from './ps-command.js'
import { registerAppsCommands } from './apps-commands.js'
import { registerProvisionCommands } from './provision-commands.js'
import { registerMonitorCommands } from './monitor-commands.js'
import { registerAlertPrefsCommands } from './alert-prefs-commands.js'
import { registerFilesCommands } from './files-commands.js'
import { registerBackupsCommands } from './backups-commands.js'
import { registerDeployCommands } from './deploy-commands.js'
import { registerTasksCommands } from './tasks-commands.js'
import { registerEngineCommands } from './engine-commands.js'
import { registerContainerCommands } from './container-commands.js'
import { registerServerCommands, type WithCore } from './server-commands.js'
import { readStdin } from './stdin.js'

const PASSWORD_STDIN = "read the server's SSH password (or its key's passphrase) from standard input when no keychain keeps it"

export async function runCli(argv: string[]): Promise<number> {
  let jsonMode = false
  let verbose = false
  let passwordStdin = false
  const sshPasswordFlag = new Set<Command>()
  let opened: CliCore | undefined

  const program = new Command('homeport')
    .description('Manage your home servers over SSH.')
    .version(APP_VERSION, '-V, --version')
    .option('--verbose', 'log what Homeport does to stderr')
    .option('--no-control', "always use this command's own SSH connection, never a running Homeport's (also HOMEPORT_NO_CONTROL=1)")
    .addHelpText('after', `\nEvery command that connects to a server takes --password-stdin: ${PASSWORD_STDIN}.`)
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ outputError: () => {} })

  program.hook('preAction', (_root, action) => {
    jsonMode = Boolean(action.opts().json)
    verbose = Boolean(program.opts().verbose)
    passwordStdin = sshPasswordFlag.has(action) && Boolean(action.opts().passwordStdin)
  })

  const withCore: WithCore = async (fn, route = 'any') => {
    // Opened on first use, so that --help, --version and usage errors pay for nothing.
    const control = Boolean(program.opts().control) && process.env.HOMEPORT_NO_CONTROL !== '1'
    const secretFromStdin = passwordStdin ? readStdin : undefined
    opened ??= await openCliCore(route, { verbose, control, secretFromStdin })
    return fn(opened)
  }
  registerServerCommands(program, withCore, () => jsonMode)
  registerPsCommand(program, withCore, () => jsonMode)
  registerAppsCommands(program, withCore, () => jsonMode)
  registerProvisionCommands(program, withCore, () => jsonMode)
  registerMonitorCommands(program, withCore, () => jsonMode)
  registerAlertPrefsCommands(program, withCore, () => jsonMode)
  registerFilesCommands(program, withCore, () => jsonMode)
  registerBackupsCommands(program, withCore, () => jsonMode)
  registerDeployCommands(program, withCore, () => jsonMode)
  registerTasksCommands(program, withCore, () => jsonMode)
  registerEngineCommands(program, withCore, () => jsonMode)
  registerContainerCommands(program, withCore, () => jsonMode)
  // Every command may have to connect a server whose password no keychain keeps. A command with a
  // --password-stdin of its own (server add; a backup repository's password) keeps its meaning.
  for (const cmd of allCommands(program)) {
    if (cmd.commands.length || cmd.options.some((o) => o.long === '--password-stdin')) continue
    cmd.option('--password-stdin', PASSWORD_STDIN)
    sshPasswordFlag.add(cmd)
  }
  // Subcommands inherit the error handling and silence of the root.
  for (const cmd of allCommands(program)) cmd.exitOverride().configureOutput({ outputError: () => {} })

  // Bare `homeport` is a question about what it can do, not a mistake.
  if (argv.length === 0) {
    program.outputHelp()
    return 0
  }

  let code = 0
  try {
    await program.parseAsync(argv, { from: 'user' })
  } catch (err) {
    code = report(err)
  } finally {
    if (opened) {
      await opened.close().catch((err: unknown) => {
        if (verbose) process.stderr.write(`[warn] closing: ${err instanceof Error ? err.message : String(err)}\n`)
      })
    }
  }
  return code
}

function allCommands(cmd: Command): Command[] {
  return cmd.commands.flatMap((c) => [c, ...allCommands(c)])
}

function report(err: unknown): number {
  if (err instanceof CommanderError) {
    // --help and --version end here too, successfully.
    if (err.exitCode === 0) return 0
    // A command group without its subcommand: commander already printed the group's help to stderr.
    if (err.code === 'commander.help') return 2
    const message = err.message.replace(/^error:\s*/i, '')
    process.stderr.write(formatError({ code: 'INVALID_INPUT', message: capitalise(message), hint: 'Run `homeport --help` (or `homeport COMMAND --help`) for the usage.' }))
    return 2
  }
  const info = errorInfo(err)
  process.stderr.write(formatError(info))
  // Hints such as "See the details" refer to this: the raw text the message was made from.
  if (info.details && !info.message.includes(info.details.trim())) process.stderr.write(formatDetails(info.details))
  return exitCodeFor(info)
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
