import type { SignalOptions } from '@bigbuff/core'
import { assertFunction, invalid, signalOf } from '@bigbuff/internal'
import { Cond } from './cond.js'

const ACTION = 'wait for condition'

/**
 * Waits on `cond` until `predicate` returns `true`.
 *
 * - `predicate` is evaluated at once (synchronously, inside the call), then again after every
 *   wake-up of `cond`; the promise resolves the first time it returns `true`.
 * - Abort rejects with `signal.reason` without evaluating `predicate` again, including when the
 *   abort comes between a wake-up and the re-check. An already aborted signal rejects at once,
 *   without evaluating `predicate`.
 * - An error thrown by `predicate` rejects the promise with that error, unchanged.
 *
 * @param cond - the condition variable whose `signal()`/`broadcast()` announce changes.
 * @param predicate - reads the state; must return a boolean.
 * @param options - `signal` to stop waiting.
 * @returns a promise that resolves once `predicate` returned `true`.
 * @throws TypeError (as a rejection) when `cond` is not a {@link Cond}, `predicate` is not a
 *   function or returns something other than a boolean (an async predicate, say), or `options`
 *   has the wrong type.
 * @example
 * ```ts
 * await waitFor(cond, () => pending === 0, { signal })
 * ```
 */
export async function waitFor(cond: Cond, predicate: () => boolean, options?: SignalOptions): Promise<void> {
  if (!(cond instanceof Cond)) throw new TypeError(invalid(ACTION, 'cond must be a Cond', cond))
  assertFunction(predicate, ACTION, 'predicate')
  const signal = signalOf(options, ACTION)
  for (;;) {
    if (signal?.aborted) throw signal.reason
    const done: unknown = predicate()
    if (typeof done !== 'boolean') {
      throw new TypeError(invalid(ACTION, 'predicate must return a boolean', done))
    }
    if (done) return
    await cond.wait(options)
  }
}
