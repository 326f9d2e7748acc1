import { describe, expect, it } from 'vitest'
import type { ContainerDto } from '../../../../../shared/contract/index.js'
import { containersAsShown } from './disconnected-view.js'

const web: ContainerDto = { id: 'c1', name: 'blog-web-1', image: 'httpd:1', state: 'running', status: 'Up Less than a second', ports: [], created: 0, labels: {} }

describe('containers of a disconnected server', () => {
  it('keeps the list but says the states are unknown', () => {
    expect(containersAsShown([web], true)).toEqual([web])
    expect(containersAsShown([web], false)).toEqual([{ ...web, state: 'unknown', status: 'Not known while the server is not connected' }])
  })
})
