// Standard input as the secret flags read it (--password-stdin, --sudo-password-stdin).

let stdinText: Promise<string> | undefined

/** Standard input as text, read once: --password-stdin and --sudo-password-stdin may both want it. */
export function readStdin(): Promise<string> {
  stdinText ??= (async () => {
    const chunks: Buffer[] = []
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
    // One trailing newline is what `echo` and here-strings add; it is not part of the password.
    return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '')
  })()
  return stdinText
}
