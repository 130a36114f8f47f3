import type { Consumer, SignalOptions } from '@bigbuff/core'
import {
  type AtHand,
  atHand,
  isClosedError,
  NOTHING_AT_HAND,
  pause,
  rollbackQuietly,
  settleHand,
  signalOf,
} from '@bigbuff/internal'
import { assertConsumer } from './internal/assert-consumer.js'

/**
 * An async iterator over a consumer's values, for `for await` loops, with at-least-once delivery.
 *
 * - A value is committed when the loop asks for the next one.
 * - Leaving the loop early (`break`, `return`, `throw`) rolls back the value in hand, so it is
 *   delivered again.
 * - The iteration ends when `get()` rejects `ClosedError`; any other error (a failed `get()` or
 *   `commit()`, the signal's reason) is thrown from the loop, after rolling back the value in hand.
 * - The signal is checked before each `get()` and passed to it.
 * - Values already at hand in a BigBuffer consumer or a `ChannelConsumer` are read and committed
 *   without waiting for a promise turn each, one resolved promise per value (the loop still yields
 *   to the event loop every few milliseconds).
 *
 * @param consumer - any `Consumer`.
 * @param options - `signal` ends the loop with its reason.
 * @returns an async iterator over the values, for one loop.
 * @throws TypeError when `consumer` is not a Consumer or `options` is malformed.
 * @example
 * ```ts
 * for await (const event of iterate(buffer.consumer())) {
 *   if (event.type === 'stop') break // 'stop' is rolled back, not committed
 * }
 * ```
 */
export function iterate<T>(consumer: Consumer<T>, options?: SignalOptions): AsyncIterableIterator<T> {
  const action = 'iterate consumer'
  assertConsumer(consumer, action)
  return new ConsumerIterator(consumer, signalOf(options, action))
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true })

/**
 * The iterator behind {@link iterate}, written out rather than as an async generator so that a value
 * at hand costs one resolved promise. Calls are served one after another, as a generator's are.
 */
class ConsumerIterator<T> implements AsyncIterableIterator<T> {
  readonly #consumer: Consumer<T>
  readonly #hand: AtHand<T> | undefined
  readonly #signal: AbortSignal | undefined
  readonly #options: SignalOptions | undefined
  /**
   * The consumer's {@link AtHand} side while next() may take the fast path: `undefined` when there
   * is none, while a call is in progress and once the iteration has finished, so the fast path
   * checks one field instead of three.
   */
  #fast: AtHand<T> | undefined
  /** A value was handed out and is neither committed nor rolled back yet. */
  #holding = false
  #finished = false
  /** The call in progress, if it had to wait: later calls run after it. */
  #busy: Promise<unknown> | undefined

  constructor(consumer: Consumer<T>, signal: AbortSignal | undefined) {
    this.#consumer = consumer
    this.#hand = this.#fast = atHand<T>(consumer)
    this.#signal = signal
    this.#options = signal === undefined ? undefined : { signal }
  }

  [Symbol.asyncIterator](): this {
    return this
  }

  next(): Promise<IteratorResult<T>> {
    const hand = this.#fast
    if (hand === undefined) return this.#next(undefined)
    // The fast path: commit the value in hand, take the next value at hand, one resolved promise.
    if (this.#holding) {
      try {
        hand.commitNow()
      } catch (error) {
        return this.#wait(this.#fail(error))
      }
      this.#holding = false
    }
    const turn = pause()
    if (turn === undefined && this.#signal?.aborted !== true) {
      const value = hand.take()
      if (value !== NOTHING_AT_HAND) {
        this.#holding = true
        return Promise.resolve({ value, done: false })
      }
    }
    return this.#next(turn)
  }

  /** next() off the fast path: after the call in progress, once finished, after `turn`, or waiting. */
  #next(turn: Promise<void> | undefined): Promise<IteratorResult<T>> {
    if (this.#busy !== undefined) return this.#after(() => this.next())
    if (this.#finished) return Promise.resolve(DONE)
    return this.#wait(turn === undefined ? this.#slow() : turn.then(() => this.#slow()))
  }

  return(): Promise<IteratorResult<T>> {
    if (this.#busy !== undefined) return this.#after(() => this.return())
    if (this.#finished) return Promise.resolve(DONE)
    this.#finish()
    const holding = this.#holding
    const settle = this.#hand?.settle !== undefined
    if (!holding && !settle) return Promise.resolve(DONE)
    this.#holding = false
    const rolledBack = holding ? rollbackQuietly(this.#consumer) : Promise.resolve()
    return this.#wait(settle ? rolledBack.then(() => this.#settled()) : rolledBack.then(() => DONE))
  }

  /** Resolves `DONE` once the commits made through the fast path are confirmed (see `settleHand`). */
  async #settled(): Promise<IteratorReturnResult<undefined>> {
    await settleHand(this.#hand, this.#consumer)
    return DONE
  }

  /** The turn of a call that has to wait: commit through the promise API, check the signal, get(). */
  async #slow(): Promise<IteratorResult<T>> {
    if (this.#holding) {
      try {
        await this.#consumer.commit()
      } catch (error) {
        return this.#fail(error)
      }
      this.#holding = false
    }
    const signal = this.#signal
    if (signal?.aborted) return this.#fail(signal.reason)
    let value: T
    try {
      value = await this.#consumer.get(this.#options)
    } catch (error) {
      if (isClosedError(error) && !(signal?.aborted && error === signal.reason)) {
        this.#finish()
        return this.#settled()
      }
      return this.#fail(error)
    }
    this.#holding = true
    return { value, done: false }
  }

  /** Ends the iteration with `error`, rolling back the value in hand first. */
  async #fail(error: unknown): Promise<never> {
    this.#finish()
    if (this.#holding) {
      this.#holding = false
      await rollbackQuietly(this.#consumer)
    }
    throw error
  }

  /** The iteration is over: every later call resolves done. */
  #finish(): void {
    this.#finished = true
    this.#fast = undefined
  }

  /** Marks `promise` as the call in progress until it settles; meanwhile next() takes no fast path. */
  #wait<R>(promise: Promise<R>): Promise<R> {
    this.#fast = undefined
    // Calls made meanwhile wait for this one (see next() and return()), so it is still the one in progress.
    const busy = promise.finally(() => {
      this.#busy = undefined
      if (!this.#finished) this.#fast = this.#hand
    })
    this.#busy = busy
    return busy
  }

  /** Runs `call` once the call in progress has settled, whatever its outcome. */
  #after<R>(call: () => Promise<R>): Promise<R> {
    const busy = this.#busy as Promise<unknown>
    return busy.then(call, call)
  }
}
