// The small files a restic container needs before it starts (the repository password, an SSH key), as a
// tar archive Docker unpacks into the created container: they never touch a disk on this computer and
// never appear in the container's environment.

import { Readable } from 'node:stream'
import { Header } from 'tar'

function block(path: string, type: 'File' | 'Directory', size: number, mode: number): Buffer {
  const buf = Buffer.alloc(512)
  new Header({ path, type, size, mode, uid: 0, gid: 0, mtime: new Date() }).encode(buf, 0)
  return buf
}

/** `dir` (absolute) with each file in it, readable by root only. */
export function secretArchive(dir: string, files: Record<string, string>): Readable {
  const parts: Buffer[] = []
  const rel = dir.replace(/^\/+/, '')
  let at = ''
  for (const segment of rel.split('/')) {
    at = at ? `${at}/${segment}` : segment
    parts.push(block(`${at}/`, 'Directory', 0, 0o700))
  }
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.from(content, 'utf8')
    parts.push(block(`${rel}/${name}`, 'File', data.length, 0o600), data, Buffer.alloc((512 - (data.length % 512)) % 512))
  }
  parts.push(Buffer.alloc(1024))
  return Readable.from([Buffer.concat(parts)])
}
