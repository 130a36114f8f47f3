import { invalid } from '@bigbuff/internal'
import type { DisposableSignal } from './disposable-signal.js'
import { collectSignals } from './internal/collect-signals.js'
import { CombinedSignal } from './internal/combined-signal.js'

const ACTION = 'create allSignals'

/**
 * Combines signals into one that aborts only once every one of them has aborted — for shared work
 * that should go on while anyone still wants it.
 *
 * - The result aborts with the reason of the input that aborted last. Inputs already aborted at call
 *   time are not waited for; if every input is already aborted, the result is aborted at once with
 *   the reason of the last input (in iteration order).
 * - `null` and `undefined` inputs never abort, so an input list holding one gives a signal that
 *   never aborts (and no listener is added).
 * - A signal listed twice counts once.
 * - Every listener added to the inputs is removed when the result aborts or on `dispose()`; after
 *   `dispose()` the result never aborts.
 *
 * @param signals - the inputs: `AbortSignal`, `null` or `undefined`; at least one.
 * @returns the combined signal and its `dispose()`.
 * @throws TypeError when `signals` is not iterable or holds something other than an `AbortSignal`,
 *   `null` or `undefined`.
 * @throws RangeError when `signals` is empty.
 * @example
 * ```ts
 * // stop the shared download only when both callers have given up
 * using shared = allSignals([first.signal, second.signal])
 * const data = await download({ signal: shared.signal })
 * ```
 */
export function allSignals(signals: Iterable<AbortSignal | null | undefined>): DisposableSignal {
  const inputs = collectSignals(signals, ACTION)
  if (inputs.length === 0) throw new RangeError(invalid(ACTION, 'signals must not be empty', signals))
  return new AllSignals(inputs)
}

class AllSignals extends CombinedSignal {
  constructor(values: (AbortSignal | null | undefined)[]) {
    super()
    const inputs = new Set<AbortSignal>()
    let last: AbortSignal | undefined
    for (const input of values) {
      if (!input) return
      if (input.aborted) last = input
      else inputs.add(input)
    }
    if (inputs.size === 0) {
      this.abort((last as AbortSignal).reason)
      return
    }
    let pending = inputs.size
    this.listen(inputs, (event) => {
      if (--pending > 0) return
      this.dispose()
      this.abort((event.target as AbortSignal).reason)
    })
  }
}
