import { describe, expect, it } from 'vitest'
import { ClashResolver, freeName } from './clash-resolver.js'

describe('name clashes', () => {
  it('finds the first free "name (n).ext"', () => {
    const taken = new Set(['a.txt', 'a (1).txt', '.env'])
    expect(freeName('a.txt', (n) => taken.has(n))).toBe('a (2).txt')
    expect(freeName('.env', (n) => taken.has(n))).toBe('.env (1)')
    expect(freeName('archive.tar.gz', () => false)).toBe('archive.tar (1).gz')
  })

  it('asks once per clash, keeps an answer for all, and cancels when nobody answers', async () => {
    const answers = ['skip', 'rename-all']
    const asked: string[] = []
    const resolver = new ClashResolver('ask', async (path) => {
      asked.push(path)
      return answers.shift()
    })
    expect(await resolver.decide('/a', 'file', 'file')).toBe('skip')
    expect(await resolver.decide('/b', 'file', 'file')).toBe('rename')
    expect(await resolver.decide('/c', 'file', 'file')).toBe('rename')
    expect(asked).toEqual(['/a', '/b'])
    expect(await new ClashResolver('overwrite', async () => 'skip').decide('/d', 'file', 'file')).toBe('overwrite')
    await expect(new ClashResolver('ask', async () => undefined).decide('/e', 'file', 'file')).rejects.toMatchObject({ code: 'CANCELLED' })
    await expect(new ClashResolver('ask', async () => 'whatever').decide('/f', 'file', 'file')).rejects.toMatchObject({ code: 'CANCELLED' })
  })
})
