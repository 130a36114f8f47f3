/**
 * Time helpers for tests. `sleep` follows the global timer functions as they are when it is called,
 * so a test's fake timers control it; `nextTurn` and `flushMicrotasks` never depend on the clock a
 * test controls.
 */

// Captured when the module loads, before any test installs fake timers.
const realSetImmediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate
const realSetTimeout = globalThis.setTimeout

/**
 * Resolves after `ms` milliseconds of the global `setTimeout` as it is now (fake or real); with a
 * `signal`, rejects with its reason once it aborts and clears the timer.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason)
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/**
 * One turn of the real event loop (a macrotask after every microtask queued so far), whatever timers
 * a test has faked.
 */
export function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => {
    if (realSetImmediate !== undefined) realSetImmediate(resolve)
    else realSetTimeout(resolve, 0)
  })
}

/** Lets `rounds` rounds of already queued promise reactions run, without leaving the current task. */
export async function flushMicrotasks(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve()
}

/** What {@link trackSettlement} reports about a promise, updated as it settles. */
export interface Settlement<T> {
  readonly status: 'pending' | 'fulfilled' | 'rejected'
  readonly value?: T
  readonly reason?: unknown
}

/**
 * Settles `promise` into an inspectable record, without ever leaving a rejection unhandled: the
 * record reads `pending` until the promise settles, then its value or reason.
 */
export function trackSettlement<T>(promise: Promise<T>): Settlement<T> {
  const state: { status: Settlement<T>['status']; value?: T; reason?: unknown } = { status: 'pending' }
  promise.then(
    (value) => Object.assign(state, { status: 'fulfilled', value }),
    (reason: unknown) => Object.assign(state, { status: 'rejected', reason }),
  )
  return state
}
