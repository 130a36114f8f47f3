import {
  ClosedError,
  type Consumer,
  NothingToCommitError,
  NothingToRollbackError,
  type SignalOptions,
} from '@bigbuff/core'
import {
  AT_HAND,
  type AtHand,
  closedMessage,
  type Deferred,
  deferred,
  invalid,
  LinkQueue,
  NOTHING_AT_HAND,
  RingQueue,
  refuse,
  resolveSoon,
  signalOf,
} from '@bigbuff/internal'
import type { Chan } from './chan.js'
import { accessOf, type ChanAccess } from './internal/chan-access.js'
import { PendingGet } from './internal/pending-get.js'

const getClosed = (): Error => new ClosedError(closedMessage('get', 'consumer'))
const GET_EXHAUSTED = 'Cannot get: the source is exhausted'

/**
 * A {@link Consumer} with commit and rollback over any source: a {@link Chan}, an `AsyncIterable` or
 * an `Iterable` (Go's `Channel`).
 *
 * - Values pulled from the source stay in an internal buffer until committed; `rollback()` delivers
 *   them again first, in order. `buffered()` shows them.
 * - The source is read one value at a time, only when a `get()` needs one.
 * - No value is lost: when a `get()` is aborted while the source is producing, the value that
 *   arrives is kept for the next `get()`. Nothing the source did not produce is ever returned.
 * - When the source is exhausted and nothing is left to deliver, `get()` rejects `ClosedError`; the
 *   consumer stays open (`closed` is false) and a rollback makes the values available again.
 * - A source that throws rejects one `get()` with that error, then counts as exhausted.
 * - `close()` rejects waiting `get()`s, stops reading (cancelling a waiting receive on a `Chan`
 *   source) and calls the source iterator's `return()`. Afterwards `commit()` rejects `ClosedError`
 *   (`rollback()` still rewinds, as in Go) and `buffered()` still returns what was received but not
 *   committed; a value in flight when `close()` was called is added to it when it arrives.
 * - Closing the consumer never closes a `Chan` source.
 *
 * @typeParam T - the values read.
 * @example
 * ```ts
 * const consumer = new ChannelConsumer(lines) // any (async) iterable or Chan
 * const line = await consumer.get()
 * await store(line)
 * await consumer.commit()
 * ```
 */
export class ChannelConsumer<T> implements Consumer<T> {
  /** Received and not committed: the first `#cursor` were delivered. */
  readonly #values = new RingQueue<T>()
  readonly #getters = new LinkQueue<PendingGet<T>>()
  readonly #done: Deferred<void> = deferred<void>()
  readonly #chan: Chan<T> | undefined
  /** The access of the copy of this package that made `#chan`. */
  readonly #access: ChanAccess | undefined
  readonly #iterable: AsyncIterable<T> | Iterable<T> | undefined
  #iterator: AsyncIterator<T> | Iterator<T> | undefined
  #isAsync = false
  #cursor = 0
  #pulling = false
  #exhausted = false
  #failure: { readonly error: unknown } | undefined
  #closed = false
  #stopChan: AbortController | undefined
  #signal: AbortSignal | undefined
  /** The synchronous side for range loops, made on first use. */
  #hand: AtHand<T> | undefined

  static {
    // The fast path of the range loops of `@bigbuff/consumer` (see #take): a non-enumerable
    // prototype property under a registered symbol, so it stays out of the public type.
    Object.defineProperty(ChannelConsumer.prototype, AT_HAND, {
      get(this: ChannelConsumer<unknown>): AtHand<unknown> {
        this.#hand ??= { take: () => this.#take(), commitNow: () => this.#commitNow() }
        return this.#hand
      },
    })
  }

  /**
   * @param source - a `Chan`, or any `AsyncIterable` or `Iterable`; it is not read until a `get()`.
   * @param options - `signal` closes the consumer when it aborts (at once if already aborted).
   * @throws TypeError when `source` is neither a `Chan` nor iterable, or options are bad.
   */
  constructor(source: Chan<T> | AsyncIterable<T> | Iterable<T>, options?: SignalOptions) {
    const action = 'create channel consumer'
    const signal = signalOf(options, action)
    const access = accessOf(source)
    this.#access = access
    if (access !== undefined) {
      this.#chan = source as Chan<T>
    } else if (isFunction(source, Symbol.asyncIterator) || isFunction(source, Symbol.iterator)) {
      this.#iterable = source
    } else {
      throw new TypeError(invalid(action, 'source must be a Chan, an AsyncIterable or an Iterable', source))
    }
    if (signal === undefined) return
    if (signal.aborted) {
      void this.close()
    } else {
      this.#signal = signal
      signal.addEventListener('abort', this.#onAbort)
    }
  }

  /** Values read by `get()` since the last commit or rollback. */
  get pending(): number {
    return this.#cursor
  }

  /** True from the moment `close()` is called. */
  get closed(): boolean {
    return this.#closed
  }

  /** Resolves once closing has finished; the same promise `close()` returns. Never rejects. */
  get done(): Promise<void> {
    return this.#done.promise
  }

  /**
   * Returns the next value: one rolled back or not yet delivered first, else the next from the
   * source.
   *
   * - Concurrent `get()`s are served in call order; the source is read one value at a time.
   * @param options - `signal` aborts the wait; a value the source produces after that is kept.
   * @returns the value.
   * @throws (rejects) ClosedError when the consumer is closed, or the source is exhausted with
   *   nothing left to deliver; the source's own error, once; `signal.reason` on abort.
   * @example
   * ```ts
   * const value = await consumer.get({ signal: AbortSignal.timeout(5000) })
   * ```
   */
  get(options?: SignalOptions): Promise<T> {
    const refused = refuse(options, 'get', this.#closed ? getClosed : undefined)
    if (refused !== undefined) return refused
    if (this.#getters.length === 0) {
      if (this.#cursor < this.#values.length || this.#readSync()) {
        return resolveSoon(this.#values.at(this.#cursor++) as T)
      }
      if (this.#exhausted) return this.#rejectExhausted()
    }
    const getter = new PendingGet<T>(this.#getters, options?.signal)
    this.#pull()
    return getter.promise
  }

  /**
   * Makes every value read so far durable: they leave the buffer and are never delivered again.
   * @throws (rejects) NothingToCommitError when nothing is pending; ClosedError after `close()`.
   * @example
   * ```ts
   * const line = await consumer.get()
   * await store(line)
   * await consumer.commit() // `line` is never delivered again
   * ```
   */
  commit(): Promise<void> {
    try {
      this.#commitNow()
    } catch (error) {
      return Promise.reject(error)
    }
    return Promise.resolve()
  }

  /**
   * Rewinds to the last commit: the values read since are delivered again, in order, before
   * anything new. Works after `close()` too (as in Go), where it only resets `pending`.
   * @throws (rejects) NothingToRollbackError when nothing is pending.
   * @example
   * ```ts
   * const line = await consumer.get()
   * await consumer.rollback() // the next get() returns `line` again
   * ```
   */
  rollback(): Promise<void> {
    if (this.#cursor === 0) return Promise.reject(new NothingToRollbackError())
    this.#cursor = 0
    this.#serve()
    return Promise.resolve()
  }

  /**
   * What was received from the source and not committed, in order: the values read since the last
   * commit, then any not delivered yet.
   * @returns a new array.
   * @example
   * ```ts
   * await consumer.close()
   * requeue(consumer.buffered())
   * ```
   */
  buffered(): T[] {
    return this.#values.toArray()
  }

  /**
   * Closes the consumer, once: waiting `get()`s reject `ClosedError`, reading stops and the source
   * iterator's `return()` is called (its error, if any, is ignored; a `Chan` source stays open).
   * @returns the same promise every time (also `done`); it resolves once the source iterator's
   *   `return()` has settled, or at once when a read is in flight (an async generator runs
   *   `return()` only after that read, which may never end; its value then goes to `buffered()`).
   * @example
   * ```ts
   * await consumer.close()
   * ```
   */
  close(): Promise<void> {
    if (this.#closed) return this.#done.promise
    this.#closed = true
    this.#signal?.removeEventListener('abort', this.#onAbort)
    for (const getter of this.#getters.drain()) {
      getter.reject(new ClosedError(closedMessage('get', 'consumer', true)))
    }
    this.#stopChan?.abort()
    const iterator = this.#iterator
    if (iterator !== undefined && !this.#exhausted) {
      this.#exhausted = true
      let returned: Promise<unknown>
      try {
        returned = Promise.resolve(iterator.return?.())
      } catch {
        returned = Promise.resolve()
      }
      // An async generator queues return() behind a read in flight, which may never end: then
      // closing does not wait for it, and the value that read produces goes to buffered().
      const finish = (): void => this.#done.resolve()
      if (this.#pulling) finish()
      returned.then(finish, finish)
    } else {
      this.#done.resolve()
    }
    return this.#done.promise
  }

  /** Closes the consumer, so `await using` works. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  /** `commit()` done synchronously: throws what `commit()` rejects with. */
  #commitNow(): void {
    if (this.#closed) throw new ClosedError(closedMessage('commit', 'consumer'))
    if (this.#cursor === 0) throw new NothingToCommitError()
    for (let i = this.#cursor; i > 0; i--) this.#values.shift()
    this.#cursor = 0
  }

  /**
   * The fast path's read: the value `get()` would resolve with at once, with the same effect, or
   * {@link NOTHING_AT_HAND} without changing anything. That is a value rolled back or not delivered
   * yet, the next value of a sync iterable (read as `get()` reads it), or a value a `Chan` source
   * hands over without waiting (buffered, or from a waiting sender): `get()` would start a
   * `receive()` that moves that same value at once and only settles later.
   */
  #take(): T | typeof NOTHING_AT_HAND {
    if (this.#closed || this.#getters.length > 0) return NOTHING_AT_HAND
    if (this.#cursor < this.#values.length || this.#readSync() || this.#receiveSync()) {
      return this.#values.at(this.#cursor++) as T
    }
    return NOTHING_AT_HAND
  }

  /**
   * Moves a value a `Chan` source has ready into the buffer, as the `receive()` of {@link #pull}
   * would; false when the source is no `Chan`, a receive is in flight (it comes first), the source
   * ended, or nothing is ready.
   */
  #receiveSync(): boolean {
    const chan = this.#chan
    const access = this.#access
    if (chan === undefined || access === undefined || this.#pulling || this.#exhausted) return false
    if (!access.hasValue(chan)) return false
    this.#values.push(access.receiveNow(chan))
    return true
  }

  /** Reads one value synchronously from a sync iterable; false when it must be read asynchronously. */
  #readSync(): boolean {
    if (this.#exhausted || this.#chan !== undefined) return false
    const iterator = this.#iterator ?? this.#open()
    if (this.#isAsync) return false
    let result: IteratorResult<T>
    try {
      result = (iterator as Iterator<T>).next()
    } catch (error) {
      this.#fail(error)
      return false
    }
    if (result.done) {
      this.#exhausted = true
      return false
    }
    this.#values.push(result.value)
    return true
  }

  #open(): AsyncIterator<T> | Iterator<T> {
    const iterable = this.#iterable as AsyncIterable<T> | Iterable<T>
    this.#isAsync = isFunction(iterable, Symbol.asyncIterator)
    const iterator = this.#isAsync
      ? (iterable as AsyncIterable<T>)[Symbol.asyncIterator]()
      : (iterable as Iterable<T>)[Symbol.iterator]()
    this.#iterator = iterator
    return iterator
  }

  /** Starts one asynchronous read when a getter waits and none is in flight. */
  #pull(): void {
    if (this.#pulling || this.#exhausted || this.#closed || this.#getters.length === 0) return
    const chan = this.#chan
    if (chan !== undefined) {
      this.#pulling = true
      this.#stopChan ??= new AbortController()
      chan.receive({ signal: this.#stopChan.signal }).then(this.#onValue, this.#onChanError)
      return
    }
    // get() opened the iterator before any getter could wait.
    const iterator = this.#iterator as AsyncIterator<T>
    let step: unknown
    try {
      step = iterator.next()
    } catch (error) {
      this.#fail(error)
      this.#serve()
      return
    }
    this.#pulling = true
    Promise.resolve(step).then(this.#onStep, this.#onError)
  }

  readonly #onAbort = (): void => {
    void this.close()
  }

  readonly #onStep = (step: unknown): void => {
    if (typeof step !== 'object' || step === null) {
      this.#onError(new TypeError(invalid('get', 'the source iterator must return an object', step)))
    } else if ((step as IteratorResult<T>).done) {
      this.#pulling = false
      this.#exhausted = true
      this.#serve()
    } else {
      this.#onValue((step as IteratorYieldResult<T>).value)
    }
  }

  readonly #onValue = (value: T): void => {
    this.#pulling = false
    this.#values.push(value)
    this.#serve()
    this.#pull()
  }

  /** The channel closed and drained, or close() cancelled the receive. */
  readonly #onChanError = (): void => {
    this.#pulling = false
    if (this.#closed) return
    this.#exhausted = true
    this.#serve()
  }

  readonly #onError = (error: unknown): void => {
    this.#pulling = false
    if (this.#closed) return
    this.#fail(error)
    this.#serve()
  }

  #fail(error: unknown): void {
    this.#exhausted = true
    this.#failure = { error }
  }

  /** Hands available values to waiting getters, in order; ends them once the source is exhausted. */
  #serve(): void {
    const getters = this.#getters
    while (getters.length > 0 && this.#cursor < this.#values.length) {
      ;(getters.shift() as PendingGet<T>).resolve(this.#values.at(this.#cursor++) as T)
    }
    if (!this.#exhausted) return
    for (let getter = getters.shift(); getter !== undefined; getter = getters.shift()) {
      getter.reject(this.#takeFailure())
    }
  }

  #rejectExhausted(): Promise<never> {
    return Promise.reject(this.#takeFailure())
  }

  /** The source's error for the first get() after it threw, `ClosedError` for the rest. */
  #takeFailure(): unknown {
    const failure = this.#failure
    this.#failure = undefined
    return failure === undefined ? new ClosedError(GET_EXHAUSTED) : failure.error
  }
}

function isFunction(value: unknown, key: symbol): boolean {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as Record<symbol, unknown>)[key] === 'function'
  )
}
