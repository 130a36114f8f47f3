import type { SignalOptions } from '@bigbuff/core'
import { signalOf, type WaiterNode, WaiterQueue } from '@bigbuff/internal'

const ACTION = 'wait on Cond'

/**
 * A condition variable without a lock: JavaScript runs one thing at a time, so the state a waiter
 * checks cannot change between its check and its `wait()`.
 *
 * - `wait()` resolves at the next `signal()` (which wakes the longest waiting caller: FIFO) or
 *   `broadcast()` (which wakes every caller waiting at that moment).
 * - A `signal()` or `broadcast()` with nobody waiting does nothing; it is not remembered.
 * - Abort rejects the waiting caller with `signal.reason` and removes it, so a later `signal()`
 *   wakes the next waiter instead.
 * - Usually used through {@link waitFor}, which re-checks a predicate after every wake-up.
 *
 * @example
 * ```ts
 * const cond = new Cond()
 * const queue: string[] = []
 * async function take(): Promise<string> {
 *   await waitFor(cond, () => queue.length > 0)
 *   return queue.shift()!
 * }
 * queue.push('job')
 * cond.signal()
 * ```
 */
export class Cond {
  readonly #waiters = new WaiterQueue<CondWaiter>()

  /** The number of callers currently waiting. */
  get waiting(): number {
    return this.#waiters.length
  }

  /**
   * Waits for the next {@link Cond.signal} that picks this caller, or the next {@link Cond.broadcast}.
   * @param options - `signal` to stop waiting.
   * @returns a promise that resolves when woken.
   * @throws TypeError (as a rejection) when `options` or `signal` has the wrong type.
   */
  wait(options?: SignalOptions): Promise<void> {
    let signal: AbortSignal | undefined
    try {
      signal = signalOf(options, ACTION)
    } catch (error) {
      return Promise.reject(error)
    }
    if (signal?.aborted) return Promise.reject(signal.reason)
    const waiters = this.#waiters
    return new Promise<void>((resolve, reject) => {
      new CondWaiter(waiters, resolve, reject, signal)
    })
  }

  /** Wakes the caller that has waited longest, if any. */
  signal(): void {
    this.#waiters.shift()?.wake()
  }

  /** Wakes every caller waiting now. */
  broadcast(): void {
    for (const waiter of this.#waiters.drain()) waiter.wake()
  }
}

/** One caller's `wait()`; it is its own abort listener, so waiting allocates no extra closure. */
class CondWaiter {
  readonly #node: WaiterNode<CondWaiter>
  readonly #queue: WaiterQueue<CondWaiter>
  readonly #resolve: () => void
  readonly #reject: (reason: unknown) => void
  readonly #signal: AbortSignal | undefined

  constructor(
    queue: WaiterQueue<CondWaiter>,
    resolve: () => void,
    reject: (reason: unknown) => void,
    signal: AbortSignal | undefined,
  ) {
    this.#queue = queue
    this.#resolve = resolve
    this.#reject = reject
    this.#signal = signal
    this.#node = queue.push(this)
    signal?.addEventListener('abort', this, { once: true })
  }

  wake(): void {
    this.#signal?.removeEventListener('abort', this)
    this.#resolve()
  }

  handleEvent(): void {
    this.#queue.remove(this.#node)
    this.#reject((this.#signal as AbortSignal).reason)
  }
}
