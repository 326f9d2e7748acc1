// A reader that went away (`homeport apps logs SERVER APP | head -3`) ends the command quietly, as it ends
// `cat`: without a listener the failed write is an unhandled 'error' event and a stack trace.

export function exitQuietlyWhenReaderLeaves(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0)
    throw err
  })
}
