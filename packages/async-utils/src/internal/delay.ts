import { unwatchAbort, Waiter, watchAbort } from '@bigbuff/internal'

/** The longest delay `setTimeout` honours; longer waits are chained in steps of this size. */
const MAX_TIMER_DELAY = 2_147_483_647

/**
 * Resolves after `ms` milliseconds, or rejects with `signal.reason` once `signal` aborts (at once if
 * it already has). Uses the global timer functions as they are when called, so fake timers control
 * it. However many delays wait on one signal, it carries one abort listener. Arguments are trusted:
 * callers validate them.
 */
export function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason)
  return new Promise<void>((resolve, reject) => {
    watchAbort(new Delay(ms, resolve, reject), signal)
  })
}

/**
 * Resolves after `ms` milliseconds; nothing cancels it. The same timers as {@link delay} without its
 * abort registration, so a bundle that only needs this (`minDuration`) leaves that machinery out.
 */
export function elapse(ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    new Delay(ms, resolve, () => resolve())
  })
}

/** One pending delay: its timer, chained while more than one timer's worth remains. */
class Delay extends Waiter {
  readonly #set = setTimeout
  readonly #clear = clearTimeout
  readonly #resolve: () => void
  readonly #reject: (reason: unknown) => void
  readonly #fire = (): void => this.#step()
  #remaining: number
  #timer: ReturnType<typeof setTimeout> | undefined

  constructor(ms: number, resolve: () => void, reject: (reason: unknown) => void) {
    super()
    this.#remaining = ms
    this.#resolve = resolve
    this.#reject = reject
    this.#schedule()
  }

  aborted(reason: unknown): void {
    const clear = this.#clear
    clear(this.#timer)
    this.#reject(reason)
  }

  #schedule(): void {
    const step = Math.min(this.#remaining, MAX_TIMER_DELAY)
    this.#remaining -= step
    const set = this.#set
    this.#timer = set(this.#fire, step)
  }

  #step(): void {
    if (this.#remaining > 0) {
      this.#schedule()
      return
    }
    unwatchAbort(this)
    this.#resolve()
  }
}
