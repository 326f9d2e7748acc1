// Runs the CLI on a pseudo-terminal (Python's pty module: stdin and stderr are a TTY, as when a person types)
// and answers each question once its prompt has appeared. Returns everything the terminal showed and the
// exit code.

import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const launcher = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/homeport.js')

const DRIVER = `
import json, os, pty, select, sys, time
argv, answers = json.loads(sys.argv[1]), json.loads(sys.argv[2])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)
seen = b''
def more(deadline):
    global seen
    r, _, _ = select.select([fd], [], [], max(0, deadline - time.time()))
    if not r:
        return False
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        return None
    if not chunk:
        return None
    seen += chunk
    return True
for prompt, answer in answers:
    deadline = time.time() + 120
    while prompt.encode() not in seen:
        if time.time() > deadline or more(deadline) is None:
            sys.stdout.write(seen.decode(errors='replace'))
            sys.exit(90)
    seen = seen.replace(prompt.encode(), b'[asked]', 1)
    os.write(fd, answer.encode() + b'\\r')
deadline = time.time() + 300
while more(deadline) is not None and time.time() < deadline:
    pass
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode(errors='replace'))
sys.exit(os.waitstatus_to_exitcode(status))
`

export function runOnTerminal(args: string[], answers: [prompt: string, answer: string][], env: NodeJS.ProcessEnv): Promise<{ code: number | null; screen: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', DRIVER, JSON.stringify([process.execPath, launcher, ...args]), JSON.stringify(answers)], { env, stdio: ['ignore', 'pipe', 'inherit'] })
    let screen = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (screen += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, screen }))
  })
}
