import type { DisposableSignal } from '../disposable-signal.js'

/**
 * What `anySignal` and `allSignals` share: the derived signal, the listener each adds to its inputs,
 * and `dispose()`, which removes that listener from every input once. Not `abstract`: the build's
 * tree-shaking transform (scripts/tree-shakeable.ts) wraps plain `class` declarations only.
 */
export class CombinedSignal implements DisposableSignal {
  readonly signal: AbortSignal
  readonly #controller = new AbortController()
  #inputs: Iterable<AbortSignal> | undefined
  #listener: ((event: Event) => void) | undefined

  constructor() {
    this.signal = this.#controller.signal
  }

  /** Aborts the derived signal with `reason`. */
  protected abort(reason: unknown): void {
    this.#controller.abort(reason)
  }

  /** Adds `listener` to every input (a signal listed twice gets it once, as EventTarget does). */
  protected listen(inputs: Iterable<AbortSignal>, listener: (event: Event) => void): void {
    for (const input of inputs) input.addEventListener('abort', listener, { once: true })
    this.#inputs = inputs
    this.#listener = listener
  }

  /** Detaches the derived signal from its inputs; it never aborts afterwards. Idempotent. */
  dispose(): void {
    const inputs = this.#inputs
    if (!inputs) return
    this.#inputs = undefined
    const listener = this.#listener as (event: Event) => void
    for (const input of inputs) input.removeEventListener('abort', listener)
  }

  [Symbol.dispose](): void {
    this.dispose()
  }
}
