// The one place where an argument array becomes a remote command line. sshd hands the string to the remote
// user's login shell, so every word that is not plainly safe is single-quoted; inside single quotes a POSIX
// shell interprets nothing, so only the quote itself needs the close-escape-reopen dance ('\'').

/** Characters that no POSIX shell treats specially anywhere in a word. `=` and `~` are left out on purpose:
 * `A=b` as the first word is an assignment and a leading `~` is expanded. */
const PLAIN_WORD = /^[A-Za-z0-9_@%+:,./-]+$/

export function quoteArg(arg: string): string {
  if (arg.length > 0 && PLAIN_WORD.test(arg)) return arg
  return `'${arg.replaceAll("'", `'\\''`)}'`
}

/**
 * Turns argv into one `sh` command line whose words are exactly argv. A leading `-` is preserved as is:
 * keeping it from being read as an option is the caller's business (`--`), not the quoter's.
 */
export function quoteArgv(argv: readonly string[]): string {
  if (argv.length === 0) throw new TypeError('quoteArgv needs at least the program name')
  for (const arg of argv) {
    // A NUL cannot travel inside a C string argv; refusing beats silently truncating a file name.
    if (arg.includes('\0')) throw new TypeError('A command argument may not contain a NUL character')
  }
  return argv.map(quoteArg).join(' ')
}
