// Entry point of the `homeport` command (bin/homeport.js loads this, or its bundle dist/cli/cli.cjs).
// No top-level await: the bundle is CommonJS, the format whose compiled code Node 20 can cache.

import { runCli } from './program.js'
import { exitQuietlyWhenReaderLeaves } from './stdout-pipe.js'

exitQuietlyWhenReaderLeaves()

void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code
  // Anything still holding the event loop (a socket the engine failed to close) must not keep the command
  // running; an unref'd timer only fires if something else is still alive.
  setTimeout(() => process.exit(code), 3000).unref()
})
