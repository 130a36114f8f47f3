import type { SignalOptions } from '@bigbuff/core'
import {
  assertDuration,
  assertPositiveInteger,
  RingQueue,
  signalOf,
  unwatchAbort,
  Waiter,
  watchAbort,
} from '@bigbuff/internal'

const ACTION = 'create linear attempt'

/**
 * Paces attempts: yields up to `count` timestamps, the first at once and then at most one per
 * `interval` ms — for linear retry loops.
 *
 * - Ticks follow a fixed schedule counted from the call (`start + k × interval`) on the global
 *   `setTimeout` as it is at call time, so fake timers control it. Each value is `Date.now()` at
 *   its tick (the first is `Date.now()` at the call).
 * - One value is held at a time. A tick that finds the previous value not yet taken is skipped and
 *   does not count, so a slow consumer is never sent a burst and attempts stay at most one per
 *   interval. After `count` values the iterator is done.
 * - Breaking out of the loop (`return()`) clears the timer. Abort clears the timer and drops any held
 *   value; the pending `next()` — or, if none is pending, the next call — rejects with
 *   `signal.reason`, and the iterator is done afterwards. With an already aborted signal no value
 *   is produced and the first `next()` rejects.
 *
 * @param interval - the schedule's step: a finite number of milliseconds > 0.
 * @param count - how many values in all: a positive integer.
 * @param options - `signal` to stop early.
 * @returns an async iterator of tick times.
 * @throws TypeError when `interval` or `count` is not a number, or `options`/`signal` has the wrong type.
 * @throws RangeError when `interval <= 0` or is not finite, or `count` is not a positive integer.
 * @example
 * ```ts
 * for await (const _ of linearAttempt(1_000, 5, { signal })) {
 *   if (await tryConnect()) break
 * }
 * ```
 */
export function linearAttempt(
  interval: number,
  count: number,
  options?: SignalOptions,
): AsyncIterableIterator<number> {
  assertDuration(interval, ACTION, 'interval', true)
  assertPositiveInteger(count, ACTION, 'count')
  return new LinearAttempt(interval, count, signalOf(options, ACTION))
}

interface Pending {
  readonly resolve: (result: IteratorResult<number>) => void
  readonly reject: (reason: unknown) => void
}

const DONE: IteratorResult<number> = Object.freeze({ done: true, value: undefined })

class LinearAttempt implements AsyncIterableIterator<number> {
  readonly #interval: number
  readonly #signal: AbortSignal | undefined
  readonly #setTimeout = setTimeout
  readonly #clearTimeout = clearTimeout
  readonly #waiters = new RingQueue<Pending>()
  #start = 0
  #tick = 0
  /** Values still to be produced by ticks. */
  #remaining: number
  #timer: ReturnType<typeof setTimeout> | undefined
  #value = 0
  #held = false
  #done = false
  readonly #onTick = (): void => this.#fire()
  readonly #watch = new AbortWatch(() => this.#abort())

  constructor(interval: number, count: number, signal: AbortSignal | undefined) {
    this.#interval = interval
    this.#signal = signal
    this.#remaining = count - 1
    if (signal?.aborted) return
    this.#start = this.#value = Date.now()
    this.#held = true
    if (this.#remaining === 0) return
    watchAbort(this.#watch, signal)
    this.#schedule()
  }

  next(): Promise<IteratorResult<number>> {
    if (this.#done) return Promise.resolve(DONE)
    const signal = this.#signal
    if (signal?.aborted) {
      this.#finish()
      return Promise.reject(signal.reason)
    }
    if (this.#held) {
      this.#held = false
      const result: IteratorResult<number> = { done: false, value: this.#value }
      if (this.#remaining === 0) this.#finish()
      return Promise.resolve(result)
    }
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }))
  }

  return(): Promise<IteratorResult<number>> {
    this.#finish()
    return Promise.resolve(DONE)
  }

  [Symbol.asyncIterator](): this {
    return this
  }

  #schedule(): void {
    const now = Date.now()
    // Late timers skip the ticks they missed rather than fire them back to back.
    this.#tick = Math.max(this.#tick + 1, Math.floor((now - this.#start) / this.#interval) + 1)
    const set = this.#setTimeout
    this.#timer = set(this.#onTick, Math.max(0, this.#start + this.#tick * this.#interval - now))
  }

  #fire(): void {
    this.#timer = undefined
    const now = Date.now()
    const waiter = this.#waiters.shift()
    if (waiter) {
      this.#remaining--
      waiter.resolve({ done: false, value: now })
    } else if (!this.#held) {
      this.#remaining--
      this.#value = now
      this.#held = true
    }
    if (this.#remaining > 0) this.#schedule()
    else if (this.#held) this.#stop()
    else this.#finish()
  }

  #abort(): void {
    this.#stop()
    this.#held = false
    const waiter = this.#waiters.shift()
    if (!waiter) return
    waiter.reject((this.#signal as AbortSignal).reason)
    this.#finish()
  }

  /** Ends the iteration: stops the timer and answers every waiting `next()` with done. */
  #finish(): void {
    this.#done = true
    this.#held = false
    this.#stop()
    while (this.#waiters.length > 0) (this.#waiters.shift() as Pending).resolve(DONE)
  }

  #stop(): void {
    unwatchAbort(this.#watch)
    if (this.#timer === undefined) return
    const clear = this.#clearTimeout
    clear(this.#timer)
    this.#timer = undefined
  }
}

/** Tells a {@link LinearAttempt} that its signal aborted; the signal carries one listener for all of them. */
class AbortWatch extends Waiter {
  readonly #onAbort: () => void

  constructor(onAbort: () => void) {
    super()
    this.#onAbort = onAbort
  }

  aborted(): void {
    this.#onAbort()
  }
}
