import type { Consumer, SignalOptions } from '@bigbuff/core'
import {
  type AtHand,
  assertDuration,
  assertFunction,
  assertPositiveInteger,
  atHand,
  invalid,
  isClosedError,
  isObjectLike,
  NOTHING_AT_HAND,
  pause,
  rollbackQuietly,
  settleHand,
  signalOf,
  unwatchAbort,
  Waiter,
  watchAbort,
} from '@bigbuff/internal'
import { assertConsumer } from './internal/assert-consumer.js'

/** Options for {@link rangeBatch}. */
export interface RangeBatchOptions extends SignalOptions {
  /** The most values one batch holds; a positive integer. */
  readonly maxSize: number
  /** How long to wait after a batch's first value for more, in ms; default 0 (only what is available). */
  readonly maxWait?: number | undefined
}

/**
 * What {@link rangeBatch} calls with each batch and its index (counting this call's batches from 0).
 * Returning exactly `false` (or a promise of it) stops the loop after that batch is committed;
 * anything else continues.
 */
export type RangeBatchFn<T> = (values: T[], index: number) => unknown

/** Why a batch stopped gathering: its `maxWait` ran out (an abort reason no caller ever sees). */
const DEADLINE: unique symbol = Symbol('rangeBatch deadline')

/**
 * Taken when this module loads, so a `maxWait` of 0 ("only what is available now") still ends
 * when a caller has faked the global timers.
 */
const yieldTimeout = globalThis.setTimeout
const clearYieldTimeout = globalThis.clearTimeout

/**
 * Processes a consumer's values in batches with automatic commit and rollback: each turn gathers
 * up to `maxSize` values, calls `fn(values, index)`, then commits the batch in one `commit()`.
 *
 * - A batch starts with one `get()` (which waits as long as needed), then takes as many more values
 *   as are available, waiting at most `maxWait` ms after the first; `index` counts this call's
 *   batches from 0.
 * - Resolves when `fn` returns exactly `false` (that batch is committed) or when `get()` rejects
 *   `ClosedError`; values gathered before that are still handed to `fn` and committed.
 * - The signal is checked before each batch and passed to every `get()`; a running `fn` is not
 *   interrupted.
 * - Anything else that goes wrong (`fn` throws or rejects, `get()` rejects with another error,
 *   `commit()` rejects, the signal aborts) rolls back what is pending, ignoring the rollback's own
 *   error, and rejects with that error.
 *
 * @param consumer - any `Consumer`.
 * @param fn - called with each batch (never empty); may be async.
 * @param options - `maxSize` (required), `maxWait` and `signal`.
 * @returns a promise that resolves when the loop stops normally.
 * @throws TypeError (rejects) when `consumer` is not a Consumer, `fn` is not a function, or
 * `options`, `maxSize` or `maxWait` has the wrong type.
 * @throws RangeError (rejects) when `maxSize` is not a positive integer or `maxWait` is negative,
 * NaN or infinite.
 * @example
 * ```ts
 * await rangeBatch(consumer, (rows) => db.insertMany(rows), { maxSize: 500, maxWait: 50 })
 * ```
 */
export function rangeBatch<T>(
  consumer: Consumer<T>,
  fn: RangeBatchFn<T>,
  options: RangeBatchOptions,
): Promise<void> {
  const action = 'range over consumer in batches'
  let signal: AbortSignal | undefined
  let maxWait: number
  try {
    assertConsumer(consumer, action)
    assertFunction(fn, action, 'fn')
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(invalid(action, 'options must be an object with maxSize', options))
    }
    signal = signalOf(options, action)
    assertPositiveInteger(options.maxSize, action, 'maxSize')
    maxWait = options.maxWait === undefined ? 0 : options.maxWait
    assertDuration(maxWait, action, 'maxWait')
  } catch (error) {
    return Promise.reject(error)
  }
  return loop(consumer, fn, options.maxSize, maxWait, signal)
}

async function loop<T>(
  consumer: Consumer<T>,
  fn: (values: T[], index: number) => unknown,
  maxSize: number,
  maxWait: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  const options = signal === undefined ? undefined : { signal }
  // Values at hand are taken synchronously, and a batch whose fn returns a plain result is committed
  // synchronously: no promise per value.
  const hand = atHand<T>(consumer)
  for (let index = 0; ; index++) {
    const batch: T[] = []
    let closed = false
    try {
      if (hand !== undefined) {
        const turn = pause()
        if (turn !== undefined) await turn
      }
      if (signal?.aborted) throw signal.reason
      if (hand !== undefined) takeAtHand(hand, batch, maxSize)
      if (batch.length === 0) batch.push(await consumer.get(options))
      if (batch.length < maxSize) closed = await gather(consumer, batch, maxSize, maxWait, signal)
    } catch (error) {
      if (batch.length === 0 && isClosedError(error) && !(signal?.aborted && error === signal.reason))
        return settleHand(hand, consumer)
      await rollbackQuietly(consumer)
      throw error
    }
    try {
      let result = fn(batch, index)
      if (isObjectLike(result)) result = await result
      if (hand === undefined) await consumer.commit()
      else hand.commitNow()
      if (result === false || closed) return await settleHand(hand, consumer)
    } catch (error) {
      await rollbackQuietly(consumer)
      throw error
    }
  }
}

/** Adds the values at hand to `batch`, up to `maxSize`. */
function takeAtHand<T>(hand: AtHand<T>, batch: T[], maxSize: number): void {
  while (batch.length < maxSize) {
    const value = hand.take()
    if (value === NOTHING_AT_HAND) return
    batch.push(value)
  }
}

/**
 * Adds values to `batch` until it holds `maxSize` or `maxWait` ms have passed; returns whether
 * `get()` rejected `ClosedError` (the source ended). An aborted `get()` consumes nothing, so ending
 * the wait loses no value.
 */
async function gather<T>(
  consumer: Consumer<T>,
  batch: T[],
  maxSize: number,
  maxWait: number,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  if (signal?.aborted) throw signal.reason
  const controller = new AbortController()
  const expire = (): void => controller.abort(DEADLINE)
  const timer = maxWait === 0 ? yieldTimeout(expire, 0) : setTimeout(expire, maxWait)
  const forward = new Forward(controller)
  watchAbort(forward, signal)
  const options = { signal: controller.signal }
  try {
    while (batch.length < maxSize) batch.push(await consumer.get(options))
    return false
  } catch (error) {
    if (error === DEADLINE) return false
    if (signal?.aborted) throw signal.reason
    if (isClosedError(error)) return true
    throw error
  } finally {
    if (maxWait === 0) clearYieldTimeout(timer)
    else clearTimeout(timer)
    unwatchAbort(forward)
  }
}

/** Passes the caller's abort on to a gathering `get()`; one listener per signal for every loop. */
class Forward extends Waiter {
  readonly #controller: AbortController

  constructor(controller: AbortController) {
    super()
    this.#controller = controller
  }

  aborted(reason: unknown): void {
    this.#controller.abort(reason)
  }
}
