// The paths a restore puts back when several are picked: duplicates and paths inside another picked folder
// go, a trailing slash is the folder itself, and nothing picked means everything.

import { describe, expect, it } from 'vitest'
import { pickedPaths } from './restore-run.js'

describe('pickedPaths', () => {
  it('is undefined when nothing is picked (the whole snapshot)', () => {
    expect(pickedPaths({})).toBeUndefined()
    expect(pickedPaths({ paths: [] })).toBeUndefined()
  })

  it('keeps one path given either way', () => {
    expect(pickedPaths({ path: '/backup/volumes/a_data/x.txt' })).toEqual(['/backup/volumes/a_data/x.txt'])
    expect(pickedPaths({ paths: ['/backup/volumes/a_data/x.txt'] })).toEqual(['/backup/volumes/a_data/x.txt'])
  })

  it('drops duplicates, trailing slashes and paths inside another picked folder, sorted', () => {
    expect(pickedPaths({ paths: ['/backup/volumes/a_data/docs/', '/backup/volumes/a_data/docs/deep/b.txt', '/backup/binds/srv/x', '/backup/volumes/a_data/docs', '/backup/volumes/a_data/docsmore'] })).toEqual([
      '/backup/binds/srv/x',
      '/backup/volumes/a_data/docs',
      '/backup/volumes/a_data/docsmore',
    ])
  })
})
