import type { Consumer, SignalOptions } from '@bigbuff/core'
import { assertFunction, rangeLoop, signalOf } from '@bigbuff/internal'
import { assertConsumer } from './internal/assert-consumer.js'

/**
 * What {@link range} calls with each value and its index (counting this call's values from 0).
 * Returning exactly `false` (or a promise of it) stops the loop after that value is committed;
 * anything else continues, so `range(consumer, (v) => list.push(v))` reads every value.
 */
export type RangeFn<T> = (value: T, index: number) => unknown

/**
 * Processes a consumer's values one at a time with automatic commit and rollback: each turn is
 * `get()` → `fn(value, index)` → `commit()`.
 *
 * - Resolves when `fn` returns exactly `false` (that value is committed) or when `get()` rejects
 *   `ClosedError`, the normal end of a source.
 * - The signal is checked before each `get()` and passed to it; a running `fn` is not interrupted.
 * - Values already at hand in a BigBuffer consumer or a `ChannelConsumer` are taken and committed
 *   without a promise each while `fn` returns a plain result (each still committed after `fn`
 *   returns); the loop yields to the event loop every few milliseconds.
 * - Anything else that goes wrong (`fn` throws or rejects, `get()` rejects with another error,
 *   `commit()` rejects, the signal aborts) rolls back what is pending, ignoring the rollback's own
 *   error, and rejects with that error: the value is delivered again to the next reader
 *   (at-least-once).
 *
 * @param consumer - any `Consumer` (BigBuffer's, `ChannelConsumer`, the Redis consumer, your own).
 * @param fn - called with each value; may be async.
 * @param options - `signal` stops the loop between values and aborts a waiting `get()`.
 * @returns a promise that resolves when the loop stops normally.
 * @throws TypeError (rejects) when `consumer` is not a Consumer or `fn` is not a function.
 * @example
 * ```ts
 * await range(buffer.consumer(), async (event) => {
 *   await store(event)
 * })
 * ```
 */
export function range<T>(consumer: Consumer<T>, fn: RangeFn<T>, options?: SignalOptions): Promise<void> {
  const action = 'range over consumer'
  let signal: AbortSignal | undefined
  try {
    assertConsumer(consumer, action)
    assertFunction(fn, action, 'fn')
    signal = signalOf(options, action)
  } catch (error) {
    return Promise.reject(error)
  }
  return rangeLoop(consumer, fn, signal)
}
