import type { SignalOptions, WorkContext } from '@bigbuff/core'

/** The work an {@link Exclusive} runs for a batch: it receives `{ signal }`. */
export type Work<T> = (context: WorkContext) => T | PromiseLike<T>

/** Options of `Exclusive.call()`; `start()` takes the same without `signal`. */
export interface ExclusiveCallOptions extends SignalOptions {
  /**
   * Milliseconds the batch waits after its first call before it starts, so that more calls can
   * join it (default 0: it starts in a microtask). Time spent waiting for the previous run counts.
   */
  readonly wait?: number | undefined
  /**
   * Milliseconds after this run started before the key's next batch may start (default 0). It never
   * delays this run's result.
   */
  readonly rateLimit?: number | undefined
}

/** Options of the `Exclusive` constructor. */
export interface ExclusiveOptions<K = unknown> {
  /**
   * Receives the error of a run that no caller was waiting for when it settled (only `start()`
   * calls, or every caller aborted). Default: such errors are ignored.
   */
  readonly onError?: ((error: unknown, key: K) => void) | undefined
}
