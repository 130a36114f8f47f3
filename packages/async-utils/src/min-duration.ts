import { assertDuration, assertFunction } from '@bigbuff/internal'
import { elapse } from './internal/delay.js'

const ACTION = 'create minDuration'

/**
 * Wraps `fn` so that each call's result — value or error — is delivered no sooner than `ms` after
 * the call started.
 *
 * - `fn` starts at once; a timer started with the call (the global `setTimeout` as it is at call
 *   time) holds back the outcome until `ms` has passed. If `fn` takes longer, its outcome is
 *   delivered as soon as it settles.
 * - A synchronous throw from `fn` is delivered as a rejection, also no sooner than `ms`.
 * - The call's arguments (and `this`) are passed to `fn` unchanged; its value or error is delivered
 *   unchanged.
 *
 * @param ms - the minimum duration: a finite number of milliseconds > 0.
 * @param fn - the function to wrap; may return a value or a promise.
 * @returns a function that calls `fn` and delivers its outcome no sooner than `ms` later.
 * @throws TypeError when `ms` is not a number or `fn` is not a function.
 * @throws RangeError when `ms <= 0` or is not finite.
 * @example
 * ```ts
 * // a spinner that never flickers: the save takes at least 400 ms
 * const save = minDuration(400, (doc: Doc) => api.save(doc))
 * await save(doc)
 * ```
 */
export function minDuration<A extends unknown[], T>(
  ms: number,
  fn: (...args: A) => T | PromiseLike<T>,
): (...args: A) => Promise<T> {
  assertDuration(ms, ACTION, 'ms', true)
  assertFunction(fn, ACTION, 'fn')
  return function delayed(this: unknown, ...args: A): Promise<T> {
    const elapsed = elapse(ms)
    let outcome: Promise<T>
    try {
      outcome = Promise.resolve(fn.apply(this, args))
    } catch (error) {
      outcome = Promise.reject(error)
    }
    return outcome.then(
      (value) => elapsed.then(() => value),
      (error: unknown) =>
        elapsed.then(() => {
          throw error
        }),
    )
  }
}
