import type { DisposableSignal } from './disposable-signal.js'
import { collectSignals } from './internal/collect-signals.js'
import { CombinedSignal } from './internal/combined-signal.js'

/**
 * Combines signals into one that aborts as soon as any of them aborts.
 *
 * - The result aborts with the reason of the input that aborted first. If an input is already
 *   aborted, the result is aborted at once with the reason of the first such input (in iteration
 *   order), and no listener is added.
 * - `null` and `undefined` inputs never abort; with no real signal at all the result never aborts.
 * - Every listener added to the inputs is removed when the result aborts or on `dispose()`; after
 *   `dispose()` the result never aborts. Creating and disposing results against one long-lived
 *   signal does not grow memory (unlike `AbortSignal.any` on Node 20, which this does not use).
 *
 * @param signals - the inputs: `AbortSignal`, `null` or `undefined`.
 * @returns the combined signal and its `dispose()`.
 * @throws TypeError when `signals` is not iterable or holds something other than an `AbortSignal`,
 *   `null` or `undefined`.
 * @example
 * ```ts
 * using combined = anySignal([options.signal, AbortSignal.timeout(5_000)])
 * await fetch(url, { signal: combined.signal })
 * ```
 */
export function anySignal(signals: Iterable<AbortSignal | null | undefined>): DisposableSignal {
  return new AnySignal(collectSignals(signals, 'create anySignal'))
}

class AnySignal extends CombinedSignal {
  constructor(values: (AbortSignal | null | undefined)[]) {
    super()
    const inputs: AbortSignal[] = []
    for (const input of values) {
      if (!input) continue
      if (input.aborted) {
        this.abort(input.reason)
        return
      }
      inputs.push(input)
    }
    if (inputs.length === 0) return
    this.listen(inputs, (event) => {
      this.dispose()
      this.abort((event.target as AbortSignal).reason)
    })
  }
}
