/** The trailing options object every operation that can wait accepts. */
export interface SignalOptions {
  /** Aborts the wait: the operation rejects with `signal.reason` and consumes nothing. */
  readonly signal?: AbortSignal | undefined
}

/** What work functions scheduled by the library (`Exclusive`, `Workers`) receive. */
export interface WorkContext {
  /** Aborts when nobody wants the work's result any more. */
  readonly signal: AbortSignal
}

/** Something values can be put into. */
export interface Puter<T> {
  /**
   * Appends one value.
   * @param value - any value, `undefined` included.
   * @param options - `signal` aborts the put; nothing is appended then.
   */
  put(value: T, options?: SignalOptions): Promise<void>
}

/** Something values can be taken from, one at a time. */
export interface Getter<T> {
  /**
   * Resolves with the next value, waiting for one if needed.
   * @param options - `signal` aborts the wait; nothing is consumed then.
   */
  get(options?: SignalOptions): Promise<T>
}

/**
 * Something that can be closed, once.
 *
 * - `close()` is idempotent: every call returns the same promise.
 * - `done` is that same promise, available without starting a close; it never rejects.
 * - `closed` is true from the moment `close()` is called.
 * - `[Symbol.asyncDispose]` closes, so `await using` works.
 */
export interface Closer extends AsyncDisposable {
  /** Starts closing (once) and resolves when closing has finished. */
  close(): Promise<void>
  /** Resolves once closing has finished; the same promise every time. Never rejects. */
  readonly done: Promise<void>
  /** True from the moment `close()` was first called. */
  readonly closed: boolean
}

/** The producing side of a log or queue. */
export interface Producer<T> extends Puter<T>, Closer {
  /**
   * Appends every value of `values` atomically and in order: no other value lands between them.
   * @param values - any iterable; it is read fully before anything is appended.
   * @param options - `signal` aborts the put; nothing is appended then.
   */
  putAll(values: Iterable<T>, options?: SignalOptions): Promise<void>
}

/**
 * The consuming side, at-least-once with a read cursor.
 *
 * - `get()` returns the value at the cursor and advances an uncommitted cursor.
 * - `commit()` makes every value read so far durable.
 * - `rollback()` rewinds to the last commit: those values are delivered again, in the same order,
 *   before anything new.
 * - `commit()` with nothing pending rejects `NothingToCommitError`; `rollback()` with nothing
 *   pending rejects `NothingToRollbackError`.
 * - `get()` rejects `ClosedError` once the consumer is closed, and, over a finite source, once the
 *   source is exhausted and nothing is left to redeliver.
 */
export interface Consumer<T> extends Getter<T>, Closer {
  /** Makes every value read since the last commit or rollback durable. */
  commit(): Promise<void>
  /** Rewinds to the last commit so those values are delivered again, in order. */
  rollback(): Promise<void>
  /** Values read by `get()` since the last commit or rollback. */
  readonly pending: number
}
