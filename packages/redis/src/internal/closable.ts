import { deferred } from '@bigbuff/internal'

/**
 * What every closable object of this package shares: `close()` runs the subclass's
 * {@link Closable.closing} once, `done` is the same promise every time and settles with it, and
 * `[Symbol.asyncDispose]` is `close()`. Not exported from the package.
 */
export abstract class Closable {
  #closed = false
  readonly #done = deferred<void>()

  /** True from the moment `close()` was called. */
  get closed(): boolean {
    return this.#closed
  }

  /** Resolves once `close()` has finished; the same promise every time; never rejects. */
  get done(): Promise<void> {
    return this.#done.promise
  }

  /** Closes it, once: later calls return the same promise. Resolves with `done`. */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true
      this.#done.resolve(this.closing())
    }
    return this.#done.promise
  }

  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  /**
   * @internal The work of closing, run once by the first `close()`, after `closed` became true; it
   * must not reject (`done` settles with it).
   */
  protected abstract closing(): Promise<void>
}
