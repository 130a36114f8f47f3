import { ClosedError, type Consumer, type Producer, type SignalOptions } from '@bigbuff/core'
import {
  assertDuration,
  assertFunction,
  assertIterable,
  assertOptions,
  closedMessage,
  invalid,
  rangeLoop,
  refuse,
  rethrowAsync,
  signalOf,
  unwatchAbort,
  Waiter,
  watchAbort,
} from '@bigbuff/internal'
import { BufferConsumer } from './buffer-consumer.js'
import { type Cleaner, type CleanerConfig, DEFAULT_CLEANER_COOLDOWN, defaultCleaner } from './cleaner.js'
import { BufferState } from './internal/buffer-state.js'

/** Options for a {@link BigBuffer}. */
export interface BigBufferOptions {
  /** Decides which values are dropped; default {@link defaultCleaner} (drop what everyone committed). */
  readonly cleaner?: Cleaner | undefined
  /** Milliseconds between two cleaner runs; default {@link DEFAULT_CLEANER_COOLDOWN} (10). */
  readonly cooldown?: number | undefined
  /** Receives an error thrown by the cleaner (the buffer closes first); default: rethrown asynchronously. */
  readonly onError?: ((error: unknown) => void) | undefined
}

const RESOLVED: Promise<void> = Promise.resolve()

/**
 * An in-memory, unbounded, append-only log with fan-out: every consumer reads every retained value
 * in order, at its own pace, with its own committed offset (commit and rollback).
 *
 * - `put`/`putAll` never wait for consumers, so a `put` from inside a consumer's processing loop
 *   never deadlocks. The values of one `putAll` are contiguous.
 * - A new consumer starts at the oldest retained value.
 * - Retention: after each change (put, new consumer, commit, consumer closed) the cleaner decides
 *   how many values to drop from the front, at most once per `cooldown` ms (leading and trailing
 *   edge). The default cleaner drops exactly what every open consumer committed, so with no
 *   consumers nothing is dropped.
 * - `close()` closes every consumer and resolves once all have finished closing. A consumer holding
 *   uncommitted reads keeps it pending until someone commits or rolls them back.
 * - `put`, `get` and `commit` are O(1) amortised whatever the size and the number of consumers.
 *
 * @typeParam T - the values; anything, `undefined` included.
 * @example
 * ```ts
 * const buffer = new BigBuffer<string>()
 * const consumer = buffer.consumer()
 * await buffer.putAll(['a', 'b'])
 * await consumer.get() // 'a'
 * await consumer.commit()
 * ```
 */
export class BigBuffer<T> implements Producer<T> {
  readonly #state: BufferState<T>

  /**
   * @param options - the cleaner, its cooldown and the error handler.
   * @throws TypeError when `options` is not an object, `cleaner` or `onError` is not a function, or
   * `cooldown` is not a number.
   * @throws RangeError when `cooldown` is negative, NaN or infinite.
   */
  constructor(options?: BigBufferOptions) {
    const action = 'create buffer'
    assertOptions(options, action)
    // Only an absent option (undefined) takes the default; null is refused like any non-function.
    const cleaner = options?.cleaner === undefined ? defaultCleaner : options.cleaner
    const cooldown = options?.cooldown === undefined ? DEFAULT_CLEANER_COOLDOWN : options.cooldown
    const onError = options?.onError === undefined ? rethrowAsync : options.onError
    assertFunction(cleaner, action, 'cleaner')
    assertDuration(cooldown, action, 'cooldown')
    assertFunction(onError, action, 'onError')
    this.#state = new BufferState<T>({ cleaner, cooldown }, onError as (error: unknown) => void)
  }

  /**
   * Appends one value.
   * @param value - any value, `undefined` included.
   * @param options - `signal`: an aborted signal rejects with its reason and appends nothing.
   * @returns a promise that resolves once the value is appended (it never waits for consumers).
   * @throws ClosedError (rejects) after `close()`; TypeError (rejects) for bad options.
   * @example
   * ```ts
   * await buffer.put({ id: 1 })
   * ```
   */
  put(value: T, options?: SignalOptions): Promise<void> {
    const refused = this.#refuse('put value', options)
    if (refused !== undefined) return refused
    this.#state.append(value)
    return RESOLVED
  }

  /**
   * Appends every value of `values`, atomically and in order: no other value lands between them.
   * @param values - any iterable; it is read fully before anything is appended (if iterating it
   * throws, nothing is appended and the promise rejects with that error).
   * @param options - `signal`: an aborted signal rejects with its reason and appends nothing.
   * @returns a promise that resolves once the values are appended.
   * @throws ClosedError (rejects) after `close()`; TypeError (rejects) when `values` is not iterable.
   * @example
   * ```ts
   * await buffer.putAll([1, 2, 3])
   * ```
   */
  putAll(values: Iterable<T>, options?: SignalOptions): Promise<void> {
    const action = 'put values'
    try {
      assertIterable(values, action, 'values')
      const refused = this.#refuse(action, options)
      if (refused !== undefined) return refused
      // An array is read synchronously by appendAll, so it needs no copy.
      this.#state.appendAll(Array.isArray(values) ? (values as readonly T[]) : Array.from(values))
    } catch (error) {
      return Promise.reject(error)
    }
    return RESOLVED
  }

  /**
   * Registers a new consumer whose committed offset is the oldest retained value.
   * @returns the consumer; it reads every retained value from there on, in order.
   * @throws ClosedError once the buffer is closed.
   * @example
   * ```ts
   * const consumer = buffer.consumer()
   * const value = await consumer.get()
   * await consumer.commit()
   * ```
   */
  consumer(): Consumer<T> {
    if (this.#state.closed) throw BufferState.closedError('create consumer')
    return new BufferConsumer(this.#state)
  }

  /**
   * A copy of the retained values, oldest first; it keeps working after `close()`.
   * @returns a new array.
   * @example
   * ```ts
   * buffer.slice() // ['a', 'b']
   * ```
   */
  slice(): T[] {
    return this.#state.log.toArray()
  }

  /** The number of retained values; it keeps working after `close()`. */
  get size(): number {
    return this.#state.log.size
  }

  /** The number of open consumers (a consumer leaves once its `close()` has finished). */
  get consumers(): number {
    return this.#state.consumers
  }

  /**
   * How many retained values `consumer` has not read yet (uncommitted reads count as read).
   *
   * - Negative when a cleaner dropped values it had not read: minus the number of values it missed.
   * - `undefined` once the consumer's `close()` has finished.
   *
   * @param consumer - a consumer created by this buffer's `consumer()`.
   * @returns the number of unread values, or `undefined`.
   * @throws TypeError when `consumer` was not created by this buffer.
   * @example
   * ```ts
   * if (buffer.diff(consumer)! > 0) await consumer.get() // resolves at once
   * ```
   */
  diff(consumer: Consumer<T>): number | undefined {
    const own = this.#own(consumer, 'diff consumer')
    if (!own.open) return undefined
    const { start, end } = this.#state.log
    return own.cursor >= start ? end - own.cursor : own.cursor - start
  }

  /**
   * Reads and commits values from `consumer` until it has caught up with the end of the buffer,
   * then resolves; it does not wait for more values.
   *
   * - Each turn is get → `fn(value, index)` (index counts this call's values from 0) → commit.
   *   Values appended meanwhile are included.
   * - Resolves at once when `diff(consumer)` ≤ 0; stops after committing a value for which `fn`
   *   returns exactly `false` (or a promise of it; any other result continues); resolves when `get()`
   *   rejects `ClosedError`.
   * - Anything else that goes wrong (`fn` throws, `get()` rejects `ConsumerBehindError`, the signal
   *   aborts) rolls back what is pending and rejects with that error.
   *
   * @param consumer - a consumer created by this buffer's `consumer()`.
   * @param fn - called with each value; may be async.
   * @param options - `signal` is checked before each `get()` and passed to it.
   * @returns a promise that resolves when caught up, stopped or closed.
   * @throws TypeError (rejects) when `consumer` was not created by this buffer or `fn` is not a function.
   * @example
   * ```ts
   * await buffer.range(consumer, (value) => console.log(value))
   * ```
   */
  range(
    consumer: Consumer<T>,
    fn: (value: T, index: number) => unknown,
    options?: SignalOptions,
  ): Promise<void> {
    const action = 'range over consumer'
    let signal: AbortSignal | undefined
    try {
      this.#own(consumer, action)
      assertFunction(fn, action, 'fn')
      signal = signalOf(options, action)
    } catch (error) {
      return Promise.reject(error)
    }
    const caughtUp = (): boolean => {
      const diff = this.diff(consumer)
      return diff === undefined || diff <= 0
    }
    if (caughtUp()) return RESOLVED
    return rangeLoop(consumer, fn, signal, caughtUp)
  }

  /** The cleaner and cooldown in use. */
  get cleanerConfig(): CleanerConfig {
    return this.#state.config
  }

  /**
   * Replaces the cleaner and its cooldown; takes effect at the next cleanup.
   * @param config - the new cleaner and cooldown.
   * @throws TypeError when `cleaner` is not a function or `cooldown` is not a number.
   * @throws RangeError when `cooldown` is negative, NaN or infinite.
   * @example
   * ```ts
   * buffer.setCleanerConfig({ cleaner: fixedBufferCleaner(1000, 800), cooldown: 50 })
   * ```
   */
  setCleanerConfig(config: CleanerConfig): void {
    const action = 'set cleaner config'
    if (typeof config !== 'object' || config === null) {
      throw new TypeError(invalid(action, 'config must be an object', config))
    }
    const { cleaner, cooldown } = config
    assertFunction(cleaner, action, 'cleaner')
    assertDuration(cooldown, action, 'cooldown')
    this.#state.config = { cleaner, cooldown }
  }

  /**
   * Says the producer is finished, without losing anything: every consumer reads what is left, then
   * the buffer closes.
   *
   * - From now on `put` and `putAll` reject `ClosedError`; {@link ended} is true.
   * - Every consumer, including one created after `end()`, still reads every retained value; a
   *   `get()` with nothing left to read rejects `ClosedError` instead of waiting, so `range` resolves,
   *   `iterate` completes and `rangeBatch` hands over its last partial batch.
   * - Resolves once every consumer has committed everything up to the end or closed; the buffer has
   *   closed by then (as {@link done} says). With no consumer open, the buffer closes at once.
   * - The signal only stops the waiting (the promise rejects with its reason); the buffer stays
   *   ended. An already aborted signal rejects without ending the buffer.
   * - Call it, but do not await it, from inside a loop over one of this buffer's consumers: it
   *   resolves only after that loop has committed its last value (see {@link close}).
   * - On a closed buffer it resolves once the close has finished.
   *
   * @param options - `signal` stops the waiting.
   * @returns a promise that resolves once every consumer has finished and the buffer is closed.
   * @throws TypeError (rejects) for bad options; the signal's reason (rejects) when it aborts.
   * @example
   * ```ts
   * const loop = range(buffer.consumer(), (event) => handle(event))
   * await buffer.putAll(events)
   * await buffer.end() // resolves once the loop has handled and committed every event
   * await loop // resolved: the source ended
   * ```
   */
  end(options?: SignalOptions): Promise<void> {
    const refused = refuse(options, 'end buffer')
    if (refused !== undefined) return refused
    const state = this.#state
    state.end()
    const signal = options?.signal
    if (signal === undefined || state.closed) return state.done
    return new Promise<void>((resolve, reject) => {
      const waiter = new EndWaiter(reject)
      watchAbort(waiter, signal)
      void state.done.then(() => {
        unwatchAbort(waiter)
        resolve()
      })
    })
  }

  /** True from the moment `end()` was first called on an open buffer. */
  get ended(): boolean {
    return this.#state.ended
  }

  /**
   * Closes the buffer: `put`, `putAll` and `consumer()` fail from now on, every consumer is closed
   * (waiting `get()`s reject `ClosedError`), and no cleaner timer remains. The values stay readable
   * through `slice()`.
   * - Idempotent: every call returns the same promise, which is {@link done}.
   * - Resolves once every consumer has finished closing; a consumer holding uncommitted reads keeps
   *   it pending until they are committed or rolled back (as Go's `Close` waits for them).
   * - It stops at once, whatever is still unread; to let consumers finish what is buffered, use
   *   {@link end}.
   * - **Do not await it from inside a loop over one of this buffer's consumers** (`range`, `iterate`,
   *   `rangeBatch`, or your own get → commit): the loop holds an uncommitted read until its body
   *   returns, and the body waits for the close, so neither ever finishes (Node.js then exits with
   *   code 13 and no message). To stop the loop, return `false` from `fn` (or `break`), or abort the
   *   loop's signal; call `close()` without awaiting it, or after the loop. This cannot be detected
   *   cheaply: a close awaited by the loop's own body looks the same as one called elsewhere
   *   (a shutdown handler) that rightly waits for the body to commit.
   * @returns the promise of the close finishing; it never rejects.
   * @example
   * ```ts
   * await buffer.close()
   * ```
   */
  close(): Promise<void> {
    return this.#state.close()
  }

  /** Resolves once closing has finished; the same promise every time. Never rejects. */
  get done(): Promise<void> {
    return this.#state.done
  }

  /** True from the moment `close()` was first called (or the cleaner threw). */
  get closed(): boolean {
    return this.#state.closed
  }

  /** Closes the buffer, so `await using buffer = new BigBuffer()` works. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  /** The rejection a put gets for bad options, an aborted signal or an ended or closed buffer; else `undefined`. */
  #refuse(action: string, options: SignalOptions | undefined): Promise<never> | undefined {
    const state = this.#state
    if (state.closed) return refuse(options, action, () => new ClosedError(closedMessage(action, 'buffer')))
    if (state.ended)
      return refuse(options, action, () => new ClosedError(`Cannot ${action}: the buffer has ended`))
    return refuse(options, action)
  }

  #own(consumer: unknown, action: string): BufferConsumer<T> {
    if (BufferConsumer.stateOf(consumer) !== this.#state) {
      throw new TypeError(invalid(action, 'consumer must be created by this buffer', consumer))
    }
    return consumer as BufferConsumer<T>
  }
}

/** An `end()` waiting with a signal; one abort listener per signal, shared with every other waiter. */
class EndWaiter extends Waiter {
  readonly #reject: (reason: unknown) => void

  constructor(reject: (reason: unknown) => void) {
    super()
    this.#reject = reject
  }

  aborted(reason: unknown): void {
    this.#reject(reason)
  }
}
