import {
  CLOSED,
  type ErrorMatcher,
  NOTHING_TO_COMMIT,
  NOTHING_TO_ROLLBACK,
  type Op,
  same,
} from '@bigbuff/test-utils'

/** What the consumer reads from, modelled: a channel, an async iterator fed by the test, or an array. */
export type SourceModel = ChanSource | AsyncSource | SyncSource

/** A channel source: its buffer, its parked senders, closed or not. */
export interface ChanSource {
  readonly kind: 'chan'
  readonly capacity: number
  readonly buffer: unknown[]
  readonly senders: { value: unknown; op: Op }[]
  closed: boolean
}

/** An async iterator whose values, end or failure the test decides. */
export interface AsyncSource {
  readonly kind: 'async'
  readonly queue: unknown[]
  end: { error: unknown } | 'done' | undefined
  returned: boolean
}

/** A synchronous iterable over `values`, throwing `failure` when it reaches `throwAt`. */
export interface SyncSource {
  readonly kind: 'sync'
  readonly values: readonly unknown[]
  readonly throwAt: number
  readonly failure: Error
  position: number
}

const EXHAUSTED: ErrorMatcher = CLOSED

/**
 * The reference model of ChannelConsumer, from SPEC: values pulled from the source stay buffered until
 * committed; rollback re-delivers them first; nothing pulled is ever lost; a source that ends makes
 * get() reject ClosedError, one that throws rejects one get() with its error.
 */
export class ChannelConsumerModel {
  readonly source: SourceModel
  /** Pulled and not committed, oldest first; `cursor` of them were handed out. */
  readonly values: unknown[] = []
  cursor = 0
  readonly getters: Op[] = []
  closed = false
  exhausted = false
  failure: { error: unknown } | undefined
  /** A read from the source is in flight (a receive parked on the channel, a pending next()). */
  pulling = false
  /** Every value the source handed to the consumer, in order. */
  readonly produced: unknown[] = []
  committed: unknown[] = []

  constructor(source: SourceModel) {
    this.source = source
  }

  get(op: Op): void {
    if (this.closed) {
      op.rejectWith(CLOSED)
      return
    }
    if (this.getters.length === 0) {
      if (this.cursor < this.values.length || this.readSync()) {
        op.resolveWith(this.values[this.cursor++])
        return
      }
      if (this.exhausted) {
        op.rejectWith(this.takeFailure())
        return
      }
    }
    this.getters.push(op)
    this.pull()
  }

  abort(op: Op, reason: unknown): boolean {
    const index = this.getters.indexOf(op)
    if (index < 0) return false
    this.getters.splice(index, 1)
    op.rejectWith(same(reason))
    return true
  }

  commit(op: Op): void {
    if (this.closed) {
      op.rejectWith(CLOSED)
      return
    }
    if (this.cursor === 0) {
      op.rejectWith(NOTHING_TO_COMMIT)
      return
    }
    this.committed.push(...this.values.splice(0, this.cursor))
    this.cursor = 0
    op.resolveWith(undefined)
  }

  /** Works after close too (the package documents it, as in Go): buffered() then holds everything again. */
  rollback(op: Op): void {
    if (this.cursor === 0) {
      op.rejectWith(NOTHING_TO_ROLLBACK)
      return
    }
    this.cursor = 0
    op.resolveWith(undefined)
    this.serve()
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    for (const getter of this.getters.splice(0)) getter.rejectWith(CLOSED)
    const source = this.source
    if (source.kind === 'chan') {
      // The receive in flight is withdrawn: the channel keeps its value.
      this.pulling = false
    } else if (source.kind === 'async' && !this.exhausted && this.opened) {
      this.exhausted = true
      source.returned = true
      this.pulling = false
    }
  }

  /** Whether the source iterator was opened (the first read opens it). */
  opened = false

  // --- the source side -------------------------------------------------------------------------

  /** A value sent on a channel source (the real `send` is `op`). */
  send(value: unknown, op: Op): void {
    const source = this.source as ChanSource
    if (source.closed) {
      op.rejectWith(CLOSED)
      return
    }
    if (this.pulling) {
      this.pulling = false
      op.resolveWith(undefined)
      this.arrive(value)
    } else if (source.buffer.length < source.capacity) {
      source.buffer.push(value)
      op.resolveWith(undefined)
    } else {
      source.senders.push({ value, op })
    }
  }

  closeChan(): void {
    const source = this.source as ChanSource
    if (source.closed) return
    source.closed = true
    for (const sender of source.senders.splice(0)) sender.op.rejectWith(CLOSED)
    if (this.pulling) {
      this.pulling = false
      this.exhausted = true
      this.serve()
    }
  }

  /** A value the test's async iterator makes available. */
  produce(value: unknown): void {
    const source = this.source as AsyncSource
    if (source.end !== undefined || source.returned) return
    if (this.pulling) {
      this.pulling = false
      this.arrive(value)
    } else {
      source.queue.push(value)
    }
  }

  /** The test's async iterator ends, or fails. */
  finish(end: 'done' | { error: unknown }): void {
    const source = this.source as AsyncSource
    if (source.end !== undefined || source.returned) return
    source.end = end
    if (this.pulling) {
      this.pulling = false
      this.ended()
    }
  }

  // --- internals -----------------------------------------------------------------------------------

  private readSync(): boolean {
    const source = this.source
    if (this.exhausted || source.kind !== 'sync') return false
    this.opened = true
    if (source.position === source.throwAt) {
      source.position++
      this.fail(source.failure)
      return false
    }
    if (source.position >= source.values.length) {
      this.exhausted = true
      return false
    }
    const value = source.values[source.position++]
    this.produced.push(value)
    this.values.push(value)
    return true
  }

  private pull(): void {
    if (this.pulling || this.exhausted || this.closed || this.getters.length === 0) return
    const source = this.source
    if (source.kind === 'sync') return
    this.opened = true
    if (source.kind === 'chan') {
      if (source.buffer.length > 0) {
        const value = source.buffer.shift()
        const sender = source.senders.shift()
        if (sender !== undefined) {
          source.buffer.push(sender.value)
          sender.op.resolveWith(undefined)
        }
        this.arrive(value)
        return
      }
      const sender = source.senders.shift()
      if (sender !== undefined) {
        sender.op.resolveWith(undefined)
        this.arrive(sender.value)
        return
      }
      if (source.closed) {
        this.exhausted = true
        this.serve()
        return
      }
      this.pulling = true
      return
    }
    if (source.queue.length > 0) {
      this.arrive(source.queue.shift())
      return
    }
    if (source.end !== undefined) {
      this.ended()
      return
    }
    this.pulling = true
  }

  private ended(): void {
    const source = this.source as AsyncSource
    if (this.closed) return
    if (source.end === 'done') this.exhausted = true
    else this.fail((source.end as { error: unknown }).error)
    this.serve()
  }

  private arrive(value: unknown): void {
    this.produced.push(value)
    this.values.push(value)
    this.serve()
    this.pull()
  }

  private fail(error: unknown): void {
    this.exhausted = true
    this.failure = { error }
  }

  private serve(): void {
    while (this.getters.length > 0 && this.cursor < this.values.length) {
      ;(this.getters.shift() as Op).resolveWith(this.values[this.cursor++])
    }
    if (!this.exhausted) return
    for (const getter of this.getters.splice(0)) getter.rejectWith(this.takeFailure())
  }

  private takeFailure(): ErrorMatcher {
    const failure = this.failure
    this.failure = undefined
    return failure === undefined ? EXHAUSTED : same(failure.error)
  }
}
