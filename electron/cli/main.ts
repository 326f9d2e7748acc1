// Entry point of the `homeport` command (bin/homeport.js loads this, or its build in dist/cli/cli.js).

import { runCli } from './program.js'

const code = await runCli(process.argv.slice(2))
process.exitCode = code
// Anything still holding the event loop (a socket the engine failed to close) must not keep the command
// running; an unref'd timer only fires if something else is still alive.
setTimeout(() => process.exit(code), 3000).unref()
