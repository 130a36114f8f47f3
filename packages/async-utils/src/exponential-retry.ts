import type { SignalOptions } from '@bigbuff/core'
import { assertDuration, assertFunction, invalid, signalOf } from '@bigbuff/internal'
import { isFatalError, unwrapFatalError } from './fatal-error.js'
import { delay } from './internal/delay.js'

const ACTION = 'create exponential retry'
const DEFAULT_BASE = 300
const MAX_SHIFT = 31

/** Options of {@link exponentialRetry}. */
export interface ExponentialRetryOptions extends SignalOptions {
  /** The slot time in milliseconds: a finite number ≥ 0 (0 retries at once, every time). Default 300. */
  readonly base?: number | undefined
  /** Returns a number in [0, 1); default `Math.random` (read at each wait). Inject one for tests. */
  readonly random?: (() => number) | undefined
}

/**
 * Wraps `fn` so that each call retries it, with exponential back-off, until it succeeds.
 *
 * - After the k-th failure the call waits `floor(random() × 2^min(k, 31)) × base` ms, so the first
 *   retry waits 0 or `base`, the second 0 to 3 × `base`, and so on. A wait of 0 retries at once (on a
 *   microtask, starting no timer), as Go does. Waits use the global `setTimeout` as it is at the wait.
 * - There is no attempt limit: throw (or reject with) a {@link FatalError} to stop; the call then
 *   rejects with its `cause`, unwrapped through nested `FatalError`s. Any other error is retried.
 * - `signal` is checked before every attempt and interrupts the wait; abort rejects the call with
 *   `signal.reason`. A result `fn` produces after an abort is still returned.
 * - The call's arguments (and `this`) are passed to `fn` unchanged, on every attempt.
 *
 * @param fn - the operation to retry; may return a value or a promise.
 * @param options - `base`, `random` and `signal`.
 * @returns a function that runs `fn` with retries and resolves with its first successful result.
 * @throws TypeError when `fn` or `random` is not a function, `base` is not a number, or
 *   `options`/`signal` has the wrong type.
 * @throws RangeError when `base` is negative, NaN or infinite. A `random` that returns something
 *   outside [0, 1) rejects that call with a `RangeError` (a `TypeError` for a non-number).
 * @example
 * ```ts
 * const load = exponentialRetry((url: string) => fetch(url).then((r) => r.json()), {
 *   base: 100,
 *   signal: AbortSignal.timeout(10_000),
 * })
 * const data = await load(url)
 * ```
 */
export function exponentialRetry<A extends unknown[], T>(
  fn: (...args: A) => T | PromiseLike<T>,
  options?: ExponentialRetryOptions,
): (...args: A) => Promise<T> {
  assertFunction(fn, ACTION, 'fn')
  const signal = signalOf(options, ACTION)
  const base = options?.base === undefined ? DEFAULT_BASE : options.base
  assertDuration(base, ACTION, 'base')
  const random = options?.random
  if (random !== undefined) assertFunction(random, ACTION, 'random')
  return function retrying(this: unknown, ...args: A): Promise<T> {
    return retry(this, fn, args, base, random, signal)
  }
}

async function retry<A extends unknown[], T>(
  self: unknown,
  fn: (...args: A) => T | PromiseLike<T>,
  args: A,
  base: number,
  random: (() => number) | undefined,
  signal: AbortSignal | undefined,
): Promise<T> {
  for (let failures = 0; ; ) {
    if (signal?.aborted) throw signal.reason
    try {
      return await fn.apply(self, args)
    } catch (error) {
      if (isFatalError(error)) throw unwrapFatalError(error)
    }
    if (failures < MAX_SHIFT) failures++
    const wait = Math.floor(draw(random) * 2 ** failures) * base
    if (wait > 0) await delay(wait, signal)
  }
}

function draw(random: (() => number) | undefined): number {
  const value: unknown = random ? random() : Math.random()
  if (typeof value !== 'number') {
    throw new TypeError(invalid('retry', 'random() must return a number in [0, 1)', value))
  }
  if (!(value >= 0 && value < 1)) {
    throw new RangeError(invalid('retry', 'random() must return a number in [0, 1)', value))
  }
  return value
}
