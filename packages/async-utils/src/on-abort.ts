import { assertFunction, invalid } from '@bigbuff/internal'

const ACTION = 'listen for abort'

/**
 * Calls `listener` once, with `signal.reason`, when `signal` aborts.
 *
 * - Exactly once: the listener is never called twice.
 * - If `signal` has already aborted, the listener is called in a microtask (never synchronously).
 * - Disposing the returned handle before the call means the listener is never called; after the
 *   call, disposing does nothing. Either way the listener is detached from the signal.
 * - An error thrown by the listener is reported like any uncaught error; it is not swallowed.
 *
 * @param signal - the signal to watch.
 * @param listener - called with the abort reason.
 * @returns a handle whose `[Symbol.dispose]()` cancels the registration.
 * @throws TypeError when `signal` is not an `AbortSignal` or `listener` is not a function.
 * @example
 * ```ts
 * using _ = onAbort(signal, (reason) => socket.destroy(reason))
 * await work(socket)
 * ```
 */
export function onAbort(signal: AbortSignal, listener: (reason: unknown) => void): Disposable {
  if (!(signal instanceof AbortSignal)) {
    throw new TypeError(invalid(ACTION, 'signal must be an AbortSignal', signal))
  }
  assertFunction(listener, ACTION, 'listener')
  return new AbortListener(signal, listener)
}

class AbortListener implements Disposable {
  #signal: AbortSignal | undefined
  #listener: ((reason: unknown) => void) | undefined
  readonly #handler = (): void => {
    const listener = this.#listener
    if (!listener) return
    const { reason } = this.#signal as AbortSignal
    this.#release()
    listener(reason)
  }

  constructor(signal: AbortSignal, listener: (reason: unknown) => void) {
    this.#signal = signal
    this.#listener = listener
    if (signal.aborted) queueMicrotask(this.#handler)
    else signal.addEventListener('abort', this.#handler, { once: true })
  }

  [Symbol.dispose](): void {
    this.#signal?.removeEventListener('abort', this.#handler)
    this.#release()
  }

  #release(): void {
    this.#signal = undefined
    this.#listener = undefined
  }
}
