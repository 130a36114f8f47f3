import type { Consumer, SignalOptions } from '@bigbuff/core'
import { atHand, isClosedError, NOTHING_AT_HAND, pause, rollbackQuietly, signalOf } from '@bigbuff/internal'
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
 * - Values already at hand in a BigBuffer consumer are read and committed without a promise each
 *   (the loop still yields to the event loop every few milliseconds).
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
  return generate(consumer, signalOf(options, action))
}

async function* generate<T>(consumer: Consumer<T>, signal: AbortSignal | undefined): AsyncGenerator<T> {
  const options = signal === undefined ? undefined : { signal }
  // Values at hand are taken and committed synchronously: no promise per get() and commit().
  const hand = atHand<T>(consumer)
  let holding = false
  try {
    for (;;) {
      if (hand !== undefined) {
        const turn = pause()
        if (turn !== undefined) await turn
      }
      if (signal?.aborted) throw signal.reason
      let value = hand === undefined ? NOTHING_AT_HAND : hand.take()
      if (value === NOTHING_AT_HAND) {
        try {
          value = await consumer.get(options)
        } catch (error) {
          if (isClosedError(error) && !(signal?.aborted && error === signal.reason)) return
          throw error
        }
      }
      holding = true
      yield value
      if (hand === undefined) await consumer.commit()
      else hand.commitNow()
      holding = false
    }
  } finally {
    if (holding) await rollbackQuietly(consumer)
  }
}
