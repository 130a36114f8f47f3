/** The part of a `Consumer` a range loop uses (structural, so this package needs no core import). */
export interface RangeSource<T> {
  get(options?: { readonly signal?: AbortSignal | undefined }): Promise<T>
  commit(): Promise<void>
  rollback(): Promise<void>
}

/**
 * The loop behind `range()` (`@bigbuff/consumer`) and `BigBuffer.range()`: get → `fn(value, index)`
 * → commit, until `fn` returns exactly `false` (after committing), `get()` rejects `ClosedError`, or
 * `caughtUp()` returns true after a commit. Any other failure (an aborted signal, `fn` throwing or
 * rejecting, `get()` or `commit()` rejecting) rolls back, ignoring the rollback's own error, and
 * rejects with that failure.
 */
export async function rangeLoop<T>(
  consumer: RangeSource<T>,
  fn: (value: T, index: number) => unknown,
  signal: AbortSignal | undefined,
  caughtUp?: () => boolean,
): Promise<void> {
  const options = signal === undefined ? undefined : { signal }
  for (let index = 0; ; index++) {
    let value: T
    try {
      if (signal?.aborted) throw signal.reason
      value = await consumer.get(options)
    } catch (error) {
      if (isClosedError(error) && !(signal?.aborted && error === signal.reason)) return
      await rollbackQuietly(consumer)
      throw error
    }
    try {
      let result = fn(value, index)
      // Only an object can be a promise or thenable: a plain result costs no microtask turn.
      if ((typeof result === 'object' && result !== null) || typeof result === 'function')
        result = await result
      await consumer.commit()
      if (result === false) return
    } catch (error) {
      await rollbackQuietly(consumer)
      throw error
    }
    if (caughtUp?.()) return
  }
}

/** Rolls back what is pending, ignoring any error: the caller reports the failure that caused it. */
export async function rollbackQuietly(consumer: Pick<RangeSource<unknown>, 'rollback'>): Promise<void> {
  try {
    await consumer.rollback()
  } catch {
    // Nothing pending, or the consumer cannot roll back: the original failure matters more.
  }
}

/** Whether `error` is a `ClosedError` from any copy of `@bigbuff/core` (recognised by its code). */
export function isClosedError(error: unknown): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === 'ERR_BIGBUFF_CLOSED'
}
