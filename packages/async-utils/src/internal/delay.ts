/** The longest delay `setTimeout` honours; longer waits are chained in steps of this size. */
const MAX_TIMER_DELAY = 2_147_483_647

/**
 * Resolves after `ms` milliseconds, or rejects with `signal.reason` once `signal` aborts (at once if
 * it already has). Uses the global timer functions as they are when called, so fake timers control
 * it. Arguments are trusted: callers validate them.
 */
export function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason)
  const set = setTimeout
  const clear = clearTimeout
  return new Promise<void>((resolve, reject) => {
    let remaining = ms
    let timer: ReturnType<typeof setTimeout>
    const onAbort = (): void => {
      clear(timer)
      reject((signal as AbortSignal).reason)
    }
    const fire = (): void => {
      if (remaining > 0) {
        schedule()
        return
      }
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }
    const schedule = (): void => {
      const step = Math.min(remaining, MAX_TIMER_DELAY)
      remaining -= step
      timer = set(fire, step)
    }
    schedule()
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
