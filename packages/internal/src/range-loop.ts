import { type AtHand, atHand, NOTHING_AT_HAND } from './at-hand.js'
import { pause } from './macrotask.js'

/** The part of a `Consumer` a range loop uses (structural, so this package needs no core import). */
export interface RangeSource<T> {
  get(options?: { readonly signal?: AbortSignal | undefined }): Promise<T>
  commit(): Promise<void>
  rollback(): Promise<void>
}

/**
 * The loop behind `range()` (`@bigbuff/consumer`) and `BigBuffer.range()`: get → `fn(value, index)`
 * → commit, until `fn` returns exactly `false` (after committing), `get()` rejects `ClosedError`, or
 * `caughtUp()` returns true after a commit. Any other failure (an aborted signal, `fn` throwing or
 * rejecting, `get()` or `commit()` rejecting) rolls back, ignoring the rollback's own error, and
 * rejects with that failure.
 *
 * Values at hand (a consumer with an {@link AtHand} side) are taken and committed synchronously, one
 * after another while `fn` returns plain results, without a promise per value; the loop still
 * yields to the event loop every few milliseconds ({@link pause}). Each value is committed before the
 * next is taken, so a failure rolls back exactly the failing value.
 */
export async function rangeLoop<T>(
  consumer: RangeSource<T>,
  fn: (value: T, index: number) => unknown,
  signal: AbortSignal | undefined,
  caughtUp?: () => boolean,
): Promise<void> {
  const options = signal === undefined ? undefined : { signal }
  const hand = atHand<T>(consumer)
  let index = 0
  for (;;) {
    if (hand !== undefined) {
      for (;;) {
        const turn = pause()
        if (turn !== undefined) await turn
        if (signal?.aborted) break
        const value = hand.take()
        if (value === NOTHING_AT_HAND) break
        let result: unknown
        try {
          result = fn(value, index++)
          if (isObjectLike(result)) result = await result
          hand.commitNow()
        } catch (error) {
          await rollbackQuietly(consumer)
          throw error
        }
        if (result === false || caughtUp?.()) return settleHand(hand, consumer)
      }
    }
    let value: T
    try {
      if (signal?.aborted) throw signal.reason
      value = await consumer.get(options)
    } catch (error) {
      if (isClosedError(error) && !(signal?.aborted && error === signal.reason))
        return settleHand(hand, consumer)
      await rollbackQuietly(consumer)
      throw error
    }
    try {
      let result = fn(value, index++)
      if (isObjectLike(result)) result = await result
      await consumer.commit()
      if (result === false) return settleHand(hand, consumer)
    } catch (error) {
      await rollbackQuietly(consumer)
      throw error
    }
    if (caughtUp?.()) return settleHand(hand, consumer)
  }
}

/**
 * Awaits `hand.settle()` where the consumer has one (its commits reach a server after `commitNow()`
 * returned); should it reject, rolls back what is pending and rethrows, as a failed `commit()` does.
 */
export async function settleHand(
  hand: AtHand<unknown> | undefined,
  consumer: Pick<RangeSource<unknown>, 'rollback'>,
): Promise<void> {
  if (hand?.settle === undefined) return
  try {
    await hand.settle()
  } catch (error) {
    await rollbackQuietly(consumer)
    throw error
  }
}

/** Only an object can be a promise or thenable: a plain result costs no microtask turn. */
export function isObjectLike(value: unknown): boolean {
  return (typeof value === 'object' && value !== null) || typeof value === 'function'
}

/** Rolls back what is pending, ignoring any error: the caller reports the failure that caused it. */
export async function rollbackQuietly(consumer: Pick<RangeSource<unknown>, 'rollback'>): Promise<void> {
  try {
    await consumer.rollback()
  } catch {
    // Nothing pending, or the consumer cannot roll back: the original failure matters more.
  }
}

/** Whether `error` is a `ClosedError` from any copy of `@bigbuff/core` (recognised by its code). */
export function isClosedError(error: unknown): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === 'ERR_BIGBUFF_CLOSED'
}
