import type { SignalOptions } from '@bigbuff/core'
import { assertDuration, refuse } from '@bigbuff/internal'
import { delay } from './internal/delay.js'

const ACTION = 'sleep'

/**
 * Resolves after `ms` milliseconds.
 *
 * - Uses the global `setTimeout` as it is at call time, so fake timers control it; delays longer
 *   than `setTimeout` allows (about 24.8 days) are chained rather than cut short.
 * - Abort rejects with `signal.reason` and clears the timer; an already aborted signal rejects at once.
 *
 * @param ms - how long to wait: a finite number of milliseconds ≥ 0.
 * @param options - `signal` to cancel the wait.
 * @returns a promise that resolves after the delay.
 * @throws TypeError (as a rejection) when `ms` is not a number or `options`/`signal` has the wrong type.
 * @throws RangeError (as a rejection) when `ms` is negative, NaN or infinite.
 * @example
 * ```ts
 * await sleep(250, { signal })
 * ```
 */
export function sleep(ms: number, options?: SignalOptions): Promise<void> {
  try {
    assertDuration(ms, ACTION, 'ms')
  } catch (error) {
    return Promise.reject(error)
  }
  return refuse(options, ACTION) ?? delay(ms, options?.signal)
}
