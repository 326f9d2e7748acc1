import { describe, expect, it } from 'vitest'
import { BuildOutput, type BuildProgress } from './build-progress.js'

describe('build output', () => {
  it('follows classic steps, counts cache hits and takes the image id', () => {
    const seen: BuildProgress[] = []
    const out = new BuildOutput((p) => seen.push(p))
    out.take({ stream: 'Step 1/2 : FROM busybox' })
    out.take({ stream: '\n' })
    out.take({ stream: ' ---> 086e087464f0\n' })
    out.take({ stream: 'Step 2/2 : RUN echo hi' })
    out.take({ stream: '\n ---> Using cache\n ---> 1234567890ab\n' })
    out.take({ aux: { ID: 'sha256:abc' } })
    out.take({ stream: 'Successfully built 1234567890ab\n' })
    out.end()
    expect(out.stepsSeen).toBe(2)
    expect(out.cachedSteps).toBe(1)
    expect(out.imageId).toBe('sha256:abc')
    expect(seen.find((p) => p.line === ' ---> Using cache')).toEqual({ line: ' ---> Using cache', step: 2, steps: 2, stepText: 'Step 2/2 : RUN echo hi' })
    expect(out.log).toEqual(['Step 1/2 : FROM busybox', ' ---> 086e087464f0', 'Step 2/2 : RUN echo hi', ' ---> Using cache', ' ---> 1234567890ab', 'Successfully built 1234567890ab'])
  })

  it("keeps the failing step's output, its header first, and the error", () => {
    const out = new BuildOutput()
    out.take({ stream: 'Step 1/2 : FROM busybox\n' })
    out.take({ stream: 'Step 2/2 : RUN make\n ---> Running in 0123456789abcdef\n' })
    out.take({ stream: 'cc: error\npartial' })
    out.take({ errorDetail: { code: 2, message: "The command '/bin/sh -c make' returned a non-zero code: 2" }, error: 'x' })
    expect(out.stepContainers).toEqual(['0123456789abcdef'])
    expect(out.failure).toEqual({
      error: "The command '/bin/sh -c make' returned a non-zero code: 2",
      stepText: 'Step 2/2 : RUN make',
      stepOutput: ['Step 2/2 : RUN make', ' ---> Running in 0123456789abcdef', 'cc: error', 'partial'],
    })
  })

  it("reads BuildKit's step lines and the image id from words when no aux message comes", () => {
    const out = new BuildOutput()
    out.take({ stream: '#5 [2/3] RUN apk add curl\n#5 CACHED\n' })
    out.take({ stream: 'Successfully built 0123456789ab\n' })
    expect(out.currentStep).toBe('[2/3] RUN apk add curl')
    expect(out.cachedSteps).toBe(1)
    expect(out.imageId).toBe('0123456789ab')
  })

  it('shows pull progress of the base image as one line per layer state', () => {
    const out = new BuildOutput()
    out.take({ status: 'Pulling fs layer', id: 'a1' })
    out.take({ status: 'Downloading', id: 'a1', progress: '[==>   ] 1MB/4MB' })
    out.take({ status: 'Pull complete', id: 'a1' })
    expect(out.log).toEqual(['a1: Pulling fs layer', 'a1: Pull complete'])
  })
})
