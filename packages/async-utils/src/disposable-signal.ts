/**
 * An `AbortSignal` derived from other signals, with a handle to detach it from them.
 *
 * - `dispose()` (also `[Symbol.dispose]`, so `using` works) removes every listener the combinator
 *   added to its inputs; after it the signal never aborts. It is idempotent.
 * - Once the signal has aborted, its listeners on the inputs are already gone.
 *
 * @example
 * ```ts
 * using combined = anySignal([request.signal, shutdown.signal])
 * await fetch(url, { signal: combined.signal })
 * ```
 */
export interface DisposableSignal extends Disposable {
  /** The derived signal. */
  readonly signal: AbortSignal
  /** Detaches the signal from its inputs; it never aborts afterwards. Idempotent. */
  dispose(): void
}
