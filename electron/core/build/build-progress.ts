// Reads the JSON lines Docker's `/build` answers with: the classic builder's `Step 3/5 : RUN …` headers (and
// BuildKit's `#7 [3/5] RUN …` should an engine print those), each step's output, pull progress for a
// `FROM` image that is not there yet, the image id (`aux.ID`), and the error that ended a failed build. It
// keeps the whole log and the current step's lines, so a failure can name its step and show its output.

export interface BuildProgress {
  step?: number
  steps?: number
  /** One line of the build's output, as the person would read it in `docker build`. */
  line?: string
  /** The current step's header: `Step 3/5 : RUN make`. */
  stepText?: string
}

export interface BuildFailure {
  /** What Docker said ended the build. */
  error: string
  /** The step that was running, when one was: `Step 3/5 : RUN make`. */
  stepText?: string
  /** That step's output, its header first. */
  stepOutput: string[]
}

interface BuildMessage {
  stream?: string
  status?: string
  id?: string
  progress?: string
  error?: string
  errorDetail?: { message?: string; code?: number }
  aux?: { ID?: string }
}

const CLASSIC_STEP = /^Step (\d+)\/(\d+) : (.*)$/
const BUILDKIT_STEP = /^#\d+ \[(?:[^\]\s]+ )?(\d+)\/(\d+)\] (.*)$/
/** How many lines of one step's output a failure carries (its tail: where the error is). */
const STEP_OUTPUT_LIMIT = 200
const LOG_LIMIT = 5000

export class BuildOutput {
  readonly log: string[] = []
  imageId: string | undefined
  failure: BuildFailure | undefined
  /** Ids of the intermediate containers the classic builder ran steps in (` ---> Running in …`). */
  readonly stepContainers: string[] = []
  /** How many steps started, and how many of them came from the cache. */
  stepsSeen = 0
  cachedSteps = 0
  private step: { n: number; of: number; text: string } | undefined
  private stepLines: string[] = []
  private partial = ''

  constructor(private readonly onProgress?: (p: BuildProgress) => void) {}

  /** One parsed JSON message of the stream. */
  take(message: BuildMessage): void {
    if (message.aux?.ID) this.imageId = message.aux.ID
    if (message.error || message.errorDetail?.message) {
      this.flushPartial()
      const error = (message.errorDetail?.message ?? message.error ?? '').trim()
      this.failure = {
        error,
        ...(this.step ? { stepText: this.step.text } : {}),
        stepOutput: [...this.stepLines],
      }
      this.addLine(error)
      return
    }
    if (typeof message.stream === 'string') this.takeText(message.stream)
    else if (message.status) {
      // Pull progress of a base image: one line per layer state, without the byte counters' churn.
      if (message.progress) return
      this.addLine(message.id ? `${message.id}: ${message.status}` : message.status)
    }
  }

  /** Any text still waiting for its newline once the stream ended. */
  end(): void {
    this.flushPartial()
  }

  get currentStep(): string | undefined {
    return this.step?.text
  }

  private takeText(text: string): void {
    const joined = this.partial + text
    const lines = joined.split(/\r?\n/)
    this.partial = lines.pop() ?? ''
    for (const line of lines) this.takeLine(line)
    // The classic builder sends a step's header without its newline, then the newline on its own.
    if (CLASSIC_STEP.test(this.partial) || BUILDKIT_STEP.test(this.partial)) this.flushPartial()
  }

  private flushPartial(): void {
    if (!this.partial) return
    const line = this.partial
    this.partial = ''
    this.takeLine(line)
  }

  private takeLine(line: string): void {
    if (!line.trim()) return
    const header = CLASSIC_STEP.exec(line) ?? BUILDKIT_STEP.exec(line)
    if (header) {
      const n = Number(header[1])
      const of = Number(header[2])
      this.step = { n, of, text: line.startsWith('#') ? `[${n}/${of}] ${header[3]}` : line }
      this.stepLines = []
      this.stepsSeen++
      this.addLine(line)
      return
    }
    if (/^ ---> Using cache$/.test(line) || /^#\d+ CACHED$/.test(line)) this.cachedSteps++
    // Engines older than the `aux` message only say it in words.
    const built = /^Successfully built ([0-9a-f]{12,64})$/.exec(line)
    if (built?.[1] && !this.imageId) this.imageId = built[1]
    const runningIn = /^ ---> Running in ([0-9a-f]{12,64})$/.exec(line)
    if (runningIn?.[1]) this.stepContainers.push(runningIn[1])
    this.addLine(line)
  }

  private addLine(line: string): void {
    this.log.push(line)
    if (this.log.length > LOG_LIMIT) this.log.splice(0, this.log.length - LOG_LIMIT)
    if (this.step) {
      this.stepLines.push(line)
      if (this.stepLines.length > STEP_OUTPUT_LIMIT) this.stepLines.splice(1, this.stepLines.length - STEP_OUTPUT_LIMIT)
    }
    this.onProgress?.({
      line,
      ...(this.step ? { step: this.step.n, steps: this.step.of, stepText: this.step.text } : {}),
    })
  }
}
