import { assertDuration, assertFunction, assertOptions, refuse } from '@bigbuff/internal'
import { KeyState, type OnError } from './key-state.js'
import type { ExclusiveCallOptions, ExclusiveOptions, Work } from './types.js'

const CALL = 'call Exclusive.call()'
const START = 'call Exclusive.start()'

/**
 * Keyed debouncing that never returns a stale result: per key, at most one run of work is in
 * progress, and calls are grouped into batches that share one run and one result.
 *
 * - Keys are compared as `Map` keys (SameValueZero); different keys are independent.
 * - A call joins its key's open batch. While nothing of that key runs, the batch starts in a
 *   microtask (or after its `wait`), so calls made together share one run.
 * - Freshness: a call never joins a run already in progress; it joins the batch that starts after
 *   that run, so the result it receives comes from a run that started after the call.
 * - The last call to join a batch before it started supplies the work and the `rateLimit`; the
 *   others' work functions are never called. Every caller gets the same value or the same error.
 * - Runs of one key never overlap; with `rateLimit`, the next batch starts no sooner than
 *   `rateLimit` ms after the previous run started, while results are delivered at once.
 * - A caller whose signal aborts is rejected with the reason at once and leaves its batch; a batch
 *   nobody wants any more does not run, and a run's `context.signal` aborts once every caller of
 *   that run has aborted (and no `start()` joined it).
 * - A key with nothing running, nothing waiting and no rate-limit hold is forgotten (`size`).
 *
 * Not singleflight: a caller arriving while `fetchUser(1)` runs does not get that run's
 * (possibly already outdated) result but triggers one more run after it.
 *
 * @typeParam K - the key type.
 * @example
 * ```ts
 * const exclusive = new Exclusive<string>()
 * // Many components asking at once share one request; one asking later gets a fresh one.
 * const user = await exclusive.call(`user:${id}`, ({ signal }) => fetchUser(id, { signal }))
 * ```
 */
export class Exclusive<K = unknown> {
  readonly #keys = new Map<K, KeyState<K>>()
  readonly #onError: OnError<K>

  /**
   * @param options - `onError` receives errors of runs nobody awaited (default: ignored).
   * @throws `TypeError` for options that are not an object or an `onError` that is not a function.
   */
  constructor(options?: ExclusiveOptions<K>) {
    assertOptions(options, 'create Exclusive')
    const onError = options?.onError
    if (onError !== undefined) assertFunction(onError, 'create Exclusive', 'onError')
    this.#onError = onError
  }

  /** Keys with any state: a batch waiting, a run in progress, or a rate-limit hold. */
  get size(): number {
    return this.#keys.size
  }

  /**
   * Whether a run of `key` is in progress now.
   *
   * @param key - the key.
   * @returns true between the start of a run and its settling.
   * @example
   * ```ts
   * if (!exclusive.running('sync')) exclusive.start('sync', syncAll)
   * ```
   */
  running(key: K): boolean {
    return this.#keys.get(key)?.running === true
  }

  /**
   * Joins `key`'s next batch and resolves with the result of its run.
   *
   * - The run starts after this call: never a run already in progress.
   * - `work`, `rateLimit` (and `wait`, until the batch is timed) of the last joiner win.
   *
   * @param key - which batches to join; compared as a `Map` key.
   * @param work - receives `{ signal }`, which aborts once every caller of the run has aborted.
   * @param options - `wait` and `rateLimit` in milliseconds (default 0); `signal` makes this caller leave.
   * @returns the run's value, or its error (the same object for every caller of the run).
   * @throws (as a rejection) `TypeError` for a non-function `work` or bad options, `RangeError` for a
   * negative, NaN or infinite `wait`/`rateLimit`, and `signal.reason` when this caller's signal aborts.
   * @example
   * ```ts
   * const results = await exclusive.call('search', () => search(latestQuery()), { wait: 200, signal })
   * ```
   */
  call<T>(key: K, work: Work<T>, options?: ExclusiveCallOptions): Promise<T> {
    // The common call, without options, needs only its work checked.
    if (options === undefined && typeof work === 'function') {
      return (this.#keys.get(key) ?? this.#add(key)).joinPlain(work) as Promise<T>
    }
    let wait: number
    let rateLimit: number
    try {
      assertFunction(work, CALL, 'work')
      wait = duration(options?.wait, CALL, 'wait')
      rateLimit = duration(options?.rateLimit, CALL, 'rateLimit')
    } catch (error) {
      return Promise.reject(error)
    }
    const refused = refuse(options, CALL)
    if (refused !== undefined) return refused
    return this.#state(key).join(work, wait, rateLimit).await(options?.signal) as Promise<T>
  }

  /**
   * Joins `key`'s next batch without waiting for its result: the batch runs even if no `call()` joins it.
   *
   * - The run's error, if no `call()` is waiting for it, goes to `onError`; it is never unhandled.
   * - The run's `context.signal` never aborts while a `start()` is part of it.
   *
   * @param key - which batches to join; compared as a `Map` key.
   * @param work - as for {@link Exclusive.call}.
   * @param options - `wait` and `rateLimit` in milliseconds (default 0).
   * @throws `TypeError` for a non-function `work` or bad options, `RangeError` for a negative, NaN or
   * infinite `wait`/`rateLimit`.
   * @example
   * ```ts
   * input.addEventListener('input', () => exclusive.start('save', saveDraft, { wait: 500 }))
   * ```
   */
  start(key: K, work: Work<unknown>, options?: Omit<ExclusiveCallOptions, 'signal'>): void {
    assertFunction(work, START, 'work')
    assertOptions(options, START)
    const wait = duration(options?.wait, START, 'wait')
    const rateLimit = duration(options?.rateLimit, START, 'rateLimit')
    this.#state(key).join(work, wait, rateLimit).addStart()
  }

  #state(key: K): KeyState<K> {
    return this.#keys.get(key) ?? this.#add(key)
  }

  #add(key: K): KeyState<K> {
    const state = new KeyState(key, this.#keys, this.#onError)
    this.#keys.set(key, state)
    return state
  }
}

function duration(value: number | undefined, action: string, name: string): number {
  if (value === undefined) return 0
  assertDuration(value, action, name)
  return value
}
