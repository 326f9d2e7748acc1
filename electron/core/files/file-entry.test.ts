import { describe, expect, it } from 'vitest'
import { baseName, fileType, joinPath, OwnerNames, parentOf, toEntry } from './file-entry.js'

describe('file entries', () => {
  it('learns owner and group names from ls -l lines, and ignores anything else', () => {
    const names = new OwnerNames()
    const attrs = { mode: 0o100640, uid: 1001, gid: 27, size: 5, atime: 1, mtime: 2 }
    names.learn(attrs, '-rw-r-----    1 alice    sudo            5 Nov 29 23:59 a b.txt')
    names.learn({ ...attrs, uid: 7 }, 'not a listing line')
    expect(toEntry('/x/a b.txt', attrs, names)).toMatchObject({ name: 'a b.txt', type: 'file', mode: 0o640, owner: 'alice', group: 'sudo', mtimeMs: 2000 })
    expect(names.user(7)).toBe('7')
  })

  it('tells types from mode bits and joins paths without touching names', () => {
    expect([0o040755, 0o100644, 0o120777, 0o010644].map(fileType)).toEqual(['dir', 'file', 'symlink', 'other'])
    expect(joinPath('/', '-rf')).toBe('/-rf')
    expect(joinPath('a/', 'b\nc')).toBe('a/b\nc')
    expect([parentOf('/a/b'), parentOf('/a'), parentOf('a'), parentOf('/a/b/')]).toEqual(['/a', '/', '.', '/a'])
    expect([baseName('/a/b c'), baseName('/'), baseName('x/')]).toEqual(['b c', '/', 'x'])
  })
})
