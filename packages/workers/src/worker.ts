import { assertFunction } from '@bigbuff/internal'

/** Ends one holder's use of a {@link Worker}; idempotent, and `using` calls it. */
export type Release = (() => void) & Disposable

type Run = (stop: AbortSignal) => void | PromiseLike<void>

/**
 * A background job shared by reference counting: it runs while anybody holds it, at most one run at
 * a time.
 *
 * - `do(fn)` registers a holder. If no run is active, `fn(stop)` starts at once; otherwise this `fn`
 *   is ignored and the holder shares the run in progress.
 * - When the last holder releases, `stop` aborts; the run stays active until `fn` settles.
 * - A `do()` while a run is stopping queues its `fn` (the first one queued wins) to start as soon as
 *   that run settled; if every such holder releases before then, nothing new starts.
 * - A run whose `fn` settles while holders remain stays active until the last release, so no new run
 *   starts meanwhile. Two runs never overlap.
 * - A rejection (or throw) of `fn` is ignored: handle errors inside `fn`.
 *
 * @example
 * ```ts
 * const poller = new Worker()
 * const release = poller.do(async (stop) => {
 *   while (!stop.aborted) await refresh(stop)
 * })
 * // later, when this holder no longer needs fresh data:
 * release()
 * ```
 */
export class Worker {
  #holders = 0
  /** The active run's stop controller; `undefined` when no run is active. */
  #run: AbortController | undefined
  #settled = false
  #next: Run | undefined

  /** True from the start of a run until it has both stopped and settled. */
  get active(): boolean {
    return this.#run !== undefined
  }

  /**
   * Registers a holder, starting `fn(stop)` if no run is active.
   *
   * @param fn - the run; `stop` aborts when the last holder releases.
   * @returns the release function for this holder: idempotent, and also `[Symbol.dispose]`.
   * @throws `TypeError` if `fn` is not a function.
   * @example
   * ```ts
   * using _ = worker.do((stop) => watch(stop))
   * ```
   */
  do(fn: (stop: AbortSignal) => void | PromiseLike<void>): Release {
    assertFunction(fn, 'call Worker.do()', 'fn')
    this.#holders++
    if (this.#run === undefined) this.#begin(fn)
    else if (this.#run.signal.aborted) this.#next ??= fn
    let released = false
    const release = (() => {
      if (released) return
      released = true
      this.#release()
    }) as Release
    release[Symbol.dispose] = release
    return release
  }

  #begin(fn: Run): void {
    const run = new AbortController()
    this.#run = run
    this.#settled = false
    let result: PromiseLike<void> | void
    try {
      result = fn(run.signal)
    } catch {
      result = undefined
    }
    const settle = (): void => this.#end(run)
    Promise.resolve(result).then(settle, settle)
  }

  #end(run: AbortController): void {
    if (!run.signal.aborted) {
      this.#settled = true
      return
    }
    this.#run = undefined
    const next = this.#next
    this.#next = undefined
    if (next && this.#holders > 0) this.#begin(next)
  }

  #release(): void {
    if (--this.#holders > 0) return
    const run = this.#run as AbortController
    if (run.signal.aborted) {
      this.#next = undefined
      return
    }
    run.abort()
    if (this.#settled) this.#run = undefined
  }
}
