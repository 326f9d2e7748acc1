// The `homeport` command tree. Errors of every kind (commander's usage errors, invalid input, core
// errors) leave through one place: `error CODE: message`, `hint: …` on stderr, exit 2 or 1. Each command
// names where it may run (cli-core.ts): a running Homeport's connection, or the CLI's own.

import { Command, CommanderError } from 'commander'
import { APP_VERSION } from '../core/runtime/index.js'
import { openCliCore, type CliCore } from './cli-core.js'
import { errorInfo, exitCodeFor, formatError } from './output.js'
import { registerPsCommand } from './ps-command.js'
import { registerAppsCommands } from './apps-commands.js'
import { registerProvisionCommands } from './provision-commands.js'
import { registerMonitorCommands } from './monitor-commands.js'
import { registerFilesCommands } from './files-commands.js'
import { registerServerCommands, type WithCore } from './server-commands.js'

export async function runCli(argv: string[]): Promise<number> {
  let jsonMode = false
  let verbose = false
  let opened: CliCore | undefined

  const program = new Command('homeport')
    .description('Manage your home servers over SSH.')
    .version(APP_VERSION, '-V, --version')
    .option('--verbose', 'log what Homeport does to stderr')
    .option('--no-control', "always use this command's own SSH connection, never a running Homeport's (also HOMEPORT_NO_CONTROL=1)")
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ outputError: () => {} })

  program.hook('preAction', (_root, action) => {
    jsonMode = Boolean(action.opts().json)
    verbose = Boolean(program.opts().verbose)
  })

  const withCore: WithCore = async (fn, route = 'any') => {
    // Opened on first use, so that --help, --version and usage errors pay for nothing.
    const control = Boolean(program.opts().control) && process.env.HOMEPORT_NO_CONTROL !== '1'
    opened ??= await openCliCore(route, { verbose, control })
    return fn(opened)
  }
  registerServerCommands(program, withCore, () => jsonMode)
  registerPsCommand(program, withCore, () => jsonMode)
  registerAppsCommands(program, withCore, () => jsonMode)
  registerProvisionCommands(program, withCore, () => jsonMode)
  registerMonitorCommands(program, withCore, () => jsonMode)
  registerFilesCommands(program, withCore, () => jsonMode)
  // Subcommands inherit the error handling and silence of the root.
  for (const cmd of allCommands(program)) cmd.exitOverride().configureOutput({ outputError: () => {} })

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
  if (info.code === 'INTERNAL' && info.details) process.stderr.write(`details: ${info.details}\n`)
  return exitCodeFor(info)
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
