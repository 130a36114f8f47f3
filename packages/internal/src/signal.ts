/** A function that does nothing. */
export function noop(): void {}

/** Marks a promise as handled so a rejection nobody awaits is never reported as unhandled. */
export function handled<T>(promise: Promise<T>): Promise<T> {
  promise.then(noop, noop)
  return promise
}

/** Reports an error nobody listens to the way an unhandled `error` event would: thrown in a fresh task. */
export function rethrowAsync(error: unknown): void {
  queueMicrotask(() => {
    throw error
  })
}

/** Calls `unref()` on a timer handle where the runtime has it, so housekeeping never keeps a process alive. */
export function unrefTimer(timer: unknown): void {
  const handle = timer as { unref?: () => void } | undefined
  if (handle && typeof handle.unref === 'function') handle.unref()
}
