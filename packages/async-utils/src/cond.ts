import type { SignalOptions } from '@bigbuff/core'
import { LinkQueue, refuse, unwatchAbort, Waiter, watchAbort } from '@bigbuff/internal'

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
  readonly #waiters = new LinkQueue<CondWaiter>()

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
    const refused = refuse(options, ACTION)
    if (refused !== undefined) return refused
    const waiters = this.#waiters
    const signal = options?.signal
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

/** One caller's `wait()`: its own queue node, sharing its signal's one abort listener. */
class CondWaiter extends Waiter {
  readonly #queue: LinkQueue<CondWaiter>
  readonly #resolve: () => void
  readonly #reject: (reason: unknown) => void

  constructor(
    queue: LinkQueue<CondWaiter>,
    resolve: () => void,
    reject: (reason: unknown) => void,
    signal: AbortSignal | undefined,
  ) {
    super()
    this.#queue = queue
    this.#resolve = resolve
    this.#reject = reject
    queue.push(this)
    watchAbort(this, signal)
  }

  wake(): void {
    unwatchAbort(this)
    this.#resolve()
  }

  aborted(reason: unknown): void {
    this.#queue.remove(this)
    this.#reject(reason)
  }
}
