import { behind, CLOSED, NOTHING_TO_COMMIT, NOTHING_TO_ROLLBACK, type Op } from './op.js'

/** How the model buffer retains values: Go's default cleaner, or a fixed-size cap that forces trims. */
export type CleanerKind =
  | { readonly kind: 'default' }
  | { readonly kind: 'fixed'; max: number; target: number }
  /** Go's default cleaner that throws on its `at`-th call: the buffer must close and report it. */
  | { readonly kind: 'failing'; at: number }

/** The reference model of one consumer of the buffer. */
export interface ModelConsumer {
  cursor: number
  committed: number
  closed: boolean
  finished: boolean
  readonly waiters: Op[]
}

/**
 * The reference model of BigBuffer, written from its documented behaviour alone: an array of every value ever appended,
 * the absolute offset of the first retained one, the consumers' cursors, and the cleaner's throttle
 * (leading and trailing edge, exact to the millisecond under fake timers).
 */
export class BufferModel {
  readonly log: unknown[] = []
  start = 0
  closed = false
  readonly consumers: ModelConsumer[] = []
  cleaner: CleanerKind
  cooldown: number
  now = 0
  /** When the cleaner's cooldown timer fires, if one is armed. */
  timerAt: number | undefined
  dirty = false

  constructor(cleaner: CleanerKind, cooldown: number) {
    this.cleaner = cleaner
    this.cooldown = cooldown
  }

  get end(): number {
    return this.log.length
  }

  get size(): number {
    return this.end - this.start
  }

  get registered(): ModelConsumer[] {
    return this.consumers.filter((c) => !c.finished)
  }

  /** Whether the buffer's `done` has resolved: closed, and every consumer has finished closing. */
  get done(): boolean {
    return this.closed && this.registered.length === 0
  }

  append(values: readonly unknown[]): void {
    if (values.length === 0) return
    this.log.push(...values)
    for (const consumer of this.consumers) if (!consumer.finished) this.serve(consumer)
    this.changed()
  }

  addConsumer(): ModelConsumer {
    const consumer: ModelConsumer = {
      cursor: this.start,
      committed: this.start,
      closed: false,
      finished: false,
      waiters: [],
    }
    this.consumers.push(consumer)
    this.changed()
    return consumer
  }

  get(consumer: ModelConsumer, op: Op): void {
    if (consumer.closed) {
      op.rejectWith(CLOSED)
      return
    }
    consumer.waiters.push(op)
    this.serve(consumer)
  }

  abort(consumer: ModelConsumer, op: Op, reason: unknown): boolean {
    const index = consumer.waiters.indexOf(op)
    if (index < 0) return false
    consumer.waiters.splice(index, 1)
    op.rejectWith({ describe: 'the abort reason', test: (error) => error === reason })
    return true
  }

  commit(consumer: ModelConsumer, op: Op): void {
    if (consumer.finished) {
      op.rejectWith(CLOSED)
      return
    }
    if (consumer.cursor === consumer.committed) {
      op.rejectWith(NOTHING_TO_COMMIT)
      return
    }
    consumer.committed = consumer.cursor
    op.resolveWith(undefined)
    if (consumer.closed) this.finish(consumer)
    else this.changed()
  }

  rollback(consumer: ModelConsumer, op: Op): void {
    if (consumer.finished) {
      op.rejectWith(CLOSED)
      return
    }
    if (consumer.cursor === consumer.committed) {
      op.rejectWith(NOTHING_TO_ROLLBACK)
      return
    }
    consumer.cursor = consumer.committed
    op.resolveWith(undefined)
    if (consumer.closed) this.finish(consumer)
    else this.serve(consumer)
  }

  closeConsumer(consumer: ModelConsumer): void {
    if (consumer.closed) return
    consumer.closed = true
    for (const waiter of consumer.waiters.splice(0)) waiter.rejectWith(CLOSED)
    if (consumer.cursor === consumer.committed) this.finish(consumer)
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.timerAt = undefined
    this.dirty = false
    for (const consumer of this.registered) this.closeConsumer(consumer)
  }

  /** `diff(consumer)` as documented: values left to read, or minus how far behind it is. */
  diff(consumer: ModelConsumer): number | undefined {
    if (consumer.finished) return undefined
    return consumer.cursor >= this.start ? this.end - consumer.cursor : consumer.cursor - this.start
  }

  /** Advances the model clock, firing the cooldown timer as a real one would. */
  advance(ms: number): void {
    const until = this.now + ms
    while (this.timerAt !== undefined && this.timerAt <= until) {
      this.now = this.timerAt
      this.timerAt = undefined
      if (this.dirty) {
        this.dirty = false
        this.changed()
      }
    }
    this.now = until
  }

  #cleaning = false

  private serve(consumer: ModelConsumer): void {
    while (consumer.waiters.length > 0 && consumer.cursor < this.end) {
      const waiter = consumer.waiters.shift() as Op
      if (consumer.cursor < this.start) {
        waiter.rejectWith(behind(consumer.cursor, this.start - consumer.cursor))
      } else {
        waiter.resolveWith(this.log[consumer.cursor])
        consumer.cursor++
      }
    }
  }

  private finish(consumer: ModelConsumer): void {
    consumer.finished = true
    if (!this.closed) this.changed()
  }

  private changed(): void {
    if (this.closed || this.#cleaning) return
    if (this.timerAt !== undefined) {
      this.dirty = true
      return
    }
    if (this.cooldown > 0) this.timerAt = this.now + this.cooldown
    this.clean()
  }

  /** Calls of the current cleaner, and how many times a cleaner threw. */
  cleanCalls = 0
  failures = 0

  private clean(): void {
    const cleaner = this.cleaner
    if (cleaner.kind === 'failing' && ++this.cleanCalls === cleaner.at) {
      this.failures++
      this.close()
      return
    }
    const offsets = this.registered.map((c) => c.committed - this.start)
    let drop: number
    if (cleaner.kind === 'fixed' && this.size > cleaner.max) drop = this.size - cleaner.target
    else if (offsets.includes(0) || !offsets.some((o) => o >= 0)) drop = 0
    else drop = Math.min(...offsets.filter((o) => o >= 0))
    this.start += Math.min(Math.max(drop, 0), this.size)
  }
}
