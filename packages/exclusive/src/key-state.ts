import type { WorkContext } from '@bigbuff/core'
import { LinkQueue, rethrowAsync, unrefTimer, unwatchAbort, Waiter, watchAbort } from '@bigbuff/internal'
import type { Work } from './types.js'

/** Starts batches in a microtask: cheaper than `queueMicrotask`, and never faked by fake timers. */
const RESOLVED = Promise.resolve()

/** Where errors of runs nobody awaited go, with the key they belong to. */
export type OnError<K> = ((error: unknown, key: K) => void) | undefined

/**
 * Everything one key of an `Exclusive` holds: the open batch, the run in progress and the rate-limit
 * hold. It removes itself from its map when it holds none of the three.
 *
 * Transitions: {@link KeyState.join} (a call adds to the open batch), {@link KeyState.cancel} (every
 * caller of the open batch left), and, inside, schedule → begin → settle → idle → drop.
 */
export class KeyState<K> {
  /** The batch calls join now; it starts after the run (if any) and the hold. */
  #open: Batch | undefined
  /** The batch whose work is running. */
  #run: Batch | undefined
  #holdUntil = 0
  #timer: ReturnType<typeof setTimeout> | undefined
  readonly #key: K
  readonly #keys: Map<K, KeyState<K>>
  readonly #onError: OnError<K>

  constructor(key: K, keys: Map<K, KeyState<K>>, onError: OnError<K>) {
    this.#key = key
    this.#keys = keys
    this.#onError = onError
  }

  /** Whether a run of this key is in progress. */
  get running(): boolean {
    return this.#run !== undefined
  }

  /** Adds a caller to the open batch (opening one), making its work and rate limit the batch's. */
  join(work: Work<unknown>, wait: number, rateLimit: number): Batch {
    let batch = this.#open
    if (batch === undefined) {
      batch = this.#open = new Batch(this, wait, this.#run === undefined ? undefined : Date.now())
      if (this.#run === undefined) this.#schedule(batch)
    }
    batch.supply(work, wait, rateLimit)
    return batch
  }

  /**
   * {@link KeyState.join} and {@link Batch.await} for the common call: no options, so no wait, no
   * rate limit and no signal. Returns the promise every such caller of the batch shares.
   */
  joinPlain(work: Work<unknown>): Promise<unknown> {
    return (this.#open ?? this.join(work, 0, 0)).addPlain(work)
  }

  /** Drops the open batch: every caller left before it started. */
  cancel(): void {
    this.#open = undefined
    if (this.#run === undefined) {
      clearTimeout(this.#timer)
      this.#idle()
    }
  }

  /** The batch is free to start: after its wait (counted from its first call) and the hold. */
  #schedule(batch: Batch): void {
    const wait = batch.schedule()
    const first = batch.first
    let delay = wait
    if (this.#holdUntil > 0 || (wait > 0 && first !== undefined)) {
      const now = Date.now()
      if (first !== undefined) delay += first - now
      delay = Math.max(delay, this.#holdUntil - now)
    }
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer)
      this.#timer = undefined
    }
    const begin = (): void => this.#begin(batch)
    if (delay > 0) this.#timer = setTimeout(begin, delay)
    else RESOLVED.then(begin)
  }

  #begin(batch: Batch): void {
    if (this.#open !== batch) return
    this.#timer = undefined
    this.#open = undefined
    this.#run = batch
    const rateLimit = batch.rateLimit
    this.#holdUntil = rateLimit > 0 ? Date.now() + rateLimit : 0
    batch.start().then(
      (value) => this.#settle(batch, true, value),
      (error: unknown) => this.#settle(batch, false, error),
    )
  }

  #settle(batch: Batch, ok: boolean, outcome: unknown): void {
    this.#run = undefined
    if (!batch.deliver(ok, outcome) && !ok && this.#onError) {
      try {
        this.#onError(outcome, this.#key)
      } catch (error) {
        rethrowAsync(error)
      }
    }
    if (this.#open) this.#schedule(this.#open)
    else this.#idle()
  }

  /** Nothing runs or waits: keep the key only for what is left of its rate-limit hold. */
  #idle(): void {
    const hold = this.#holdUntil > 0 ? this.#holdUntil - Date.now() : 0
    if (hold > 0) unrefTimer((this.#timer = setTimeout(() => this.#drop(), hold)))
    else this.#drop()
  }

  #drop(): void {
    this.#timer = undefined
    this.#keys.delete(this.#key)
  }
}

/**
 * Callers sharing one run of work, from the first call until the run settled. It goes through
 * three phases: open (callers join; the last joiner's work and rate limit win), scheduled (its wait
 * is fixed) and started (its work runs; nobody joins any more).
 */
export class Batch {
  /** Told when every caller left before the start. */
  readonly #owner: { cancel(): void }
  #work: Work<unknown> | undefined
  #rateLimit = 0
  #wait: number
  /** When the first call joined, for a batch opened behind a run (its wait counts from then). */
  readonly #first: number | undefined
  #scheduled = false
  #started = false
  /** Callers without a signal: they share one promise and never leave. */
  #plain = 0
  /** `start()` calls: they keep the batch wanted but receive nothing. */
  #starts = 0
  /** Callers with a signal, still waiting. */
  #callers: LinkQueue<Caller> | undefined
  #shared: Promise<unknown> | undefined
  #resolve: ((value: unknown) => void) | undefined
  #reject: ((reason: unknown) => void) | undefined
  #controller: AbortController | undefined
  #abandoned = false
  #reason: unknown

  constructor(owner: { cancel(): void }, wait: number, first: number | undefined) {
    this.#owner = owner
    this.#wait = wait
    this.#first = first
  }

  /** When its first call joined, if it was opened behind a run; else `undefined`. */
  get first(): number | undefined {
    return this.#first
  }

  /** The rate limit of its last joiner. */
  get rateLimit(): number {
    return this.#rateLimit
  }

  /** A joiner's work and rate limit replace the earlier ones; its wait too, until the batch is scheduled. */
  supply(work: Work<unknown>, wait: number, rateLimit: number): void {
    this.#work = work
    this.#rateLimit = rateLimit
    if (!this.#scheduled) this.#wait = wait
  }

  /** The batch becomes free to start: its wait is fixed from now on, and returned. */
  schedule(): number {
    this.#scheduled = true
    return this.#wait
  }

  /** A `start()` joined: the batch runs even if no caller waits for it. */
  addStart(): void {
    this.#starts++
  }

  /** Runs the work (once); a synchronous throw becomes a rejection. */
  start(): Promise<unknown> {
    this.#started = true
    try {
      return Promise.resolve((this.#work as Work<unknown>)(new RunContext(this)))
    } catch (error) {
      return Promise.reject(error)
    }
  }

  /** A caller without options joins: `supply(work, 0, 0)` and `await(undefined)` in one step. */
  addPlain(work: Work<unknown>): Promise<unknown> {
    this.#work = work
    this.#rateLimit = 0
    if (!this.#scheduled) this.#wait = 0
    this.#plain++
    return this.#shared ?? this.#share()
  }

  /** The promise callers without a signal share, made by the first of them. */
  #share(): Promise<unknown> {
    return (this.#shared = new Promise((resolve, reject) => {
      this.#resolve = resolve
      this.#reject = reject
    }))
  }

  /** Adds a caller and returns the promise of its result. */
  await(signal: AbortSignal | undefined): Promise<unknown> {
    if (signal === undefined) {
      this.#plain++
      return this.#shared ?? this.#share()
    }
    const callers = (this.#callers ??= new LinkQueue())
    return new Promise((resolve, reject) => {
      const caller = new Caller(this, resolve, reject)
      callers.push(caller)
      watchAbort(caller, signal)
    })
  }

  /** A caller's signal aborted: it is rejected now and no longer counts. */
  leave(caller: Caller, reason: unknown): void {
    const callers = this.#callers as LinkQueue<Caller>
    callers.remove(caller)
    caller.reject(reason)
    if (callers.length > 0 || this.#plain > 0 || this.#starts > 0) return
    if (!this.#started) this.#owner.cancel()
    else {
      this.#abandoned = true
      this.#reason = reason
      this.#controller?.abort(reason)
    }
  }

  /** The signal the work sees, made on first use. */
  signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController()
      if (this.#abandoned) this.#controller.abort(this.#reason)
    }
    return this.#controller.signal
  }

  /** Settles every remaining caller; returns whether any caller was still waiting. */
  deliver(ok: boolean, outcome: unknown): boolean {
    if (this.#shared) (ok ? this.#resolve! : this.#reject!)(outcome)
    let received = this.#plain > 0
    const callers = this.#callers
    if (callers) {
      for (let caller = callers.shift(); caller !== undefined; caller = callers.shift()) {
        unwatchAbort(caller)
        ;(ok ? caller.resolve : caller.reject)(outcome)
        received = true
      }
    }
    return received
  }
}

/** A caller with a signal, waiting in its batch. */
class Caller extends Waiter {
  readonly #batch: Batch
  readonly resolve: (value: unknown) => void
  readonly reject: (reason: unknown) => void

  constructor(batch: Batch, resolve: (value: unknown) => void, reject: (reason: unknown) => void) {
    super()
    this.#batch = batch
    this.resolve = resolve
    this.reject = reject
  }

  aborted(reason: unknown): void {
    this.#batch.leave(this, reason)
  }
}

/** What the work receives: `signal` is created only if the work reads it. */
class RunContext implements WorkContext {
  readonly #batch: Batch

  constructor(batch: Batch) {
    this.#batch = batch
  }

  get signal(): AbortSignal {
    return this.#batch.signal()
  }
}
