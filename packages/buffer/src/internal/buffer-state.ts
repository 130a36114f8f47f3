import { ClosedError } from '@bigbuff/core'
import { deferred, handled, invalid, rethrowAsync, unrefTimer } from '@bigbuff/internal'
import type { CleanerConfig } from '../cleaner.js'
import { ChunkedLog } from './chunked-log.js'

/** What the shared state needs from each registered consumer. */
export interface RegisteredConsumer {
  /** Absolute offset of the consumer's last commit. */
  readonly committedOffset: number
  /** Hands waiting `get()`s the values now available at the cursor. */
  serve(): void
  /** Starts closing the consumer (the buffer is closing). */
  close(): Promise<void>
}

/**
 * Everything a BigBuffer and its consumers share: the log, the registry of open consumers, the
 * cleaner's throttle and the closing state. Not part of the public API.
 */
export class BufferState<T> {
  readonly log = new ChunkedLog<T>()
  readonly #consumers = new Set<RegisteredConsumer>()
  /** Consumers with `get()`s waiting for a value; only they need waking on append. */
  readonly #waiting = new Set<RegisteredConsumer>()
  readonly #done = deferred<void>()
  readonly #onError: (error: unknown) => void
  config: CleanerConfig
  #closed = false
  #ended = false
  /** Once ended: the consumers that have not committed up to the end yet; the buffer closes when none is left. */
  readonly #unfinished = new Set<RegisteredConsumer>()
  #cleaning = false
  #dirty = false
  #timer: ReturnType<typeof setTimeout> | undefined

  constructor(config: CleanerConfig, onError: (error: unknown) => void) {
    this.config = config
    this.#onError = onError
  }

  get closed(): boolean {
    return this.#closed
  }

  get done(): Promise<void> {
    return this.#done.promise
  }

  get ended(): boolean {
    return this.#ended
  }

  get consumers(): number {
    return this.#consumers.size
  }

  register(consumer: RegisteredConsumer): void {
    this.#consumers.add(consumer)
    if (this.#ended && consumer.committedOffset < this.log.end) this.#unfinished.add(consumer)
    this.changed()
  }

  /** Removes a consumer whose close has finished; the buffer's close finishes with the last one. */
  deregister(consumer: RegisteredConsumer): void {
    this.#consumers.delete(consumer)
    this.#waiting.delete(consumer)
    if (this.#ended) this.#reached(consumer)
    if (this.#closed) {
      if (this.#consumers.size === 0) this.#done.resolve()
    } else {
      this.changed()
    }
  }

  /** A consumer committed: run the cleaner and, once ended, see whether everyone has finished. */
  committed(consumer: RegisteredConsumer): void {
    this.changed()
    if (this.#ended && consumer.committedOffset === this.log.end) this.#reached(consumer)
  }

  /**
   * The producer is finished: nothing more is appended, consumers waiting at the end are told so
   * (their `serve()` rejects them), and the buffer closes once every consumer has committed up to
   * the end or left. With no consumer open it closes at once.
   */
  end(): void {
    if (this.#ended || this.#closed) return
    this.#ended = true
    const end = this.log.end
    for (const consumer of this.#consumers) if (consumer.committedOffset < end) this.#unfinished.add(consumer)
    for (const consumer of [...this.#waiting]) consumer.serve()
    if (this.#unfinished.size === 0) handled(this.close())
  }

  #reached(consumer: RegisteredConsumer): void {
    if (this.#unfinished.delete(consumer) && this.#unfinished.size === 0) handled(this.close())
  }

  /** Marks a consumer as having `get()`s waiting (`true`) or none (`false`). */
  watch(consumer: RegisteredConsumer, waiting: boolean): void {
    if (waiting) this.#waiting.add(consumer)
    else this.#waiting.delete(consumer)
  }

  /** Appends values (already validated) and wakes waiting consumers. */
  append(value: T): void {
    this.log.push(value)
    this.#appended()
  }

  appendAll(values: readonly T[]): void {
    if (values.length === 0) return
    for (let i = 0; i < values.length; i++) this.log.push(values[i] as T)
    this.#appended()
  }

  #appended(): void {
    if (this.#waiting.size > 0) for (const consumer of this.#waiting) consumer.serve()
    this.changed()
  }

  /**
   * Runs the cleaner as a throttle with a leading and a trailing edge: at once when no cooldown is
   * running, otherwise once when the cooldown ends. A cooldown of 0 runs it on every change.
   */
  changed(): void {
    if (this.#closed || this.#cleaning) return
    if (this.#timer !== undefined) {
      this.#dirty = true
      return
    }
    const cooldown = this.config.cooldown
    if (cooldown > 0) {
      this.#timer = setTimeout(this.#cooled, cooldown)
      unrefTimer(this.#timer)
    }
    this.#clean()
  }

  readonly #cooled = (): void => {
    this.#timer = undefined
    if (!this.#dirty) return
    this.#dirty = false
    this.changed()
  }

  #clean(): void {
    const log = this.log
    const offsets: number[] = []
    for (const consumer of this.#consumers) offsets.push(consumer.committedOffset - log.start)
    let count: unknown
    this.#cleaning = true
    try {
      count = this.config.cleaner(log.size, offsets)
    } catch (error) {
      this.#fail(error)
      return
    } finally {
      this.#cleaning = false
    }
    if (typeof count !== 'number' || Number.isNaN(count)) {
      const problem = 'the cleaner must return a number of values to drop'
      const error =
        typeof count === 'number'
          ? new RangeError(invalid('clean buffer', problem, count))
          : new TypeError(invalid('clean buffer', problem, count))
      this.#fail(error)
      return
    }
    const drop = Math.min(Math.max(Math.floor(count), 0), log.size)
    if (drop > 0) log.drop(drop)
  }

  #fail(error: unknown): void {
    handled(this.close())
    try {
      this.#onError(error)
    } catch (thrown) {
      rethrowAsync(thrown)
    }
  }

  /** Closes the buffer and every consumer; resolves once all consumers have deregistered. */
  close(): Promise<void> {
    if (this.#closed) return this.#done.promise
    this.#closed = true
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer)
      this.#timer = undefined
    }
    this.#dirty = false
    this.#unfinished.clear()
    if (this.#consumers.size === 0) this.#done.resolve()
    else for (const consumer of [...this.#consumers]) handled(consumer.close())
    return this.#done.promise
  }

  /** A `ClosedError` for an operation on the closed buffer. */
  static closedError(action: string): ClosedError {
    return new ClosedError(`Cannot ${action}: the buffer is closed`)
  }
}
