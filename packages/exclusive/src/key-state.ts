import type { WorkContext } from '@bigbuff/core'
import { rethrowAsync, unrefTimer, type WaiterNode, WaiterQueue } from '@bigbuff/internal'
import type { Work } from './types.js'

const ONCE: AddEventListenerOptions = { once: true }
/** Starts batches in a microtask: cheaper than `queueMicrotask`, and never faked by fake timers. */
const RESOLVED = Promise.resolve()

type OnError = ((error: unknown, key: unknown) => void) | undefined

/**
 * Everything one key of an `Exclusive` holds: the open batch, the run in progress and the rate-limit
 * hold. It removes itself from its map when it holds none of the three.
 */
export class KeyState {
  /** The batch calls join now; it starts after `run` (if any) and the hold. */
  batch: Batch | undefined
  /** The batch whose work is running. */
  run: Batch | undefined
  #holdUntil = 0
  #timer: ReturnType<typeof setTimeout> | undefined
  readonly #key: unknown
  readonly #keys: Map<unknown, KeyState>
  readonly #onError: OnError

  constructor(key: unknown, keys: Map<unknown, KeyState>, onError: OnError) {
    this.#key = key
    this.#keys = keys
    this.#onError = onError
  }

  /** Adds a caller to the open batch (creating it), making its work and rate limit the batch's. */
  join(work: Work<unknown>, wait: number, rateLimit: number): Batch {
    let batch = this.batch
    if (batch === undefined) {
      batch = this.batch = new Batch(this, wait)
      if (this.run === undefined) this.#schedule(batch)
      else batch.first = Date.now()
    } else if (!batch.scheduled) batch.wait = wait
    batch.work = work
    batch.rateLimit = rateLimit
    return batch
  }

  /** Drops the open batch: every caller left before it started. */
  cancel(): void {
    this.batch = undefined
    if (this.run === undefined) {
      clearTimeout(this.#timer)
      this.#idle()
    }
  }

  /** The batch is free to start: after its wait (counted from its first call) and the hold. */
  #schedule(batch: Batch): void {
    batch.scheduled = true
    let delay = batch.wait
    if (this.#holdUntil > 0 || (delay > 0 && batch.first !== undefined)) {
      const now = Date.now()
      if (batch.first !== undefined) delay += batch.first - now
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
    if (this.batch !== batch) return
    this.#timer = undefined
    this.batch = undefined
    this.run = batch
    batch.started = true
    this.#holdUntil = batch.rateLimit > 0 ? Date.now() + batch.rateLimit : 0
    let result: Promise<unknown>
    try {
      result = Promise.resolve(batch.work(new RunContext(batch)))
    } catch (error) {
      result = Promise.reject(error)
    }
    result.then(
      (value) => this.#settle(batch, true, value),
      (error: unknown) => this.#settle(batch, false, error),
    )
  }

  #settle(batch: Batch, ok: boolean, outcome: unknown): void {
    this.run = undefined
    if (!batch.deliver(ok, outcome) && !ok && this.#onError) {
      try {
        this.#onError(outcome, this.#key)
      } catch (error) {
        rethrowAsync(error)
      }
    }
    if (this.batch) this.#schedule(this.batch)
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

/** Callers sharing one run of work, from the first call until the run settled. */
export class Batch {
  work!: Work<unknown>
  rateLimit = 0
  scheduled = false
  started = false
  /** Callers without a signal: they share one promise and never leave. */
  plain = 0
  /** `start()` calls: they keep the batch wanted but receive nothing. */
  starts = 0
  /** Callers with a signal, still waiting. */
  callers: WaiterQueue<Caller> | undefined
  /** When the first call joined, for a batch created behind a run (its wait counts from then). */
  first: number | undefined
  #shared: Promise<unknown> | undefined
  #resolve: ((value: unknown) => void) | undefined
  #reject: ((reason: unknown) => void) | undefined
  #controller: AbortController | undefined
  #abandoned = false
  #reason: unknown

  constructor(
    readonly state: KeyState,
    public wait: number,
  ) {}

  /** Adds a caller and returns the promise of its result. */
  await(signal: AbortSignal | undefined): Promise<unknown> {
    if (signal === undefined) {
      this.plain++
      return (this.#shared ??= new Promise((resolve, reject) => {
        this.#resolve = resolve
        this.#reject = reject
      }))
    }
    const callers = (this.callers ??= new WaiterQueue())
    return new Promise((resolve, reject) => {
      const caller = new Caller(this, resolve, reject, signal)
      caller.node = callers.push(caller)
      signal.addEventListener('abort', caller, ONCE)
    })
  }

  /** A caller's signal aborted: it is rejected now and no longer counts. */
  leave(caller: Caller): void {
    const callers = this.callers as WaiterQueue<Caller>
    callers.remove(caller.node)
    const reason = caller.signal.reason
    caller.reject(reason)
    if (callers.length > 0 || this.plain > 0 || this.starts > 0) return
    if (!this.started) this.state.cancel()
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
    let received = this.plain > 0
    if (this.callers) {
      for (const caller of this.callers.drain()) {
        caller.signal.removeEventListener('abort', caller)
        ;(ok ? caller.resolve : caller.reject)(outcome)
        received = true
      }
    }
    return received
  }
}

/** A caller with a signal; it is its own abort listener. */
class Caller {
  node!: WaiterNode<Caller>

  constructor(
    readonly batch: Batch,
    readonly resolve: (value: unknown) => void,
    readonly reject: (reason: unknown) => void,
    readonly signal: AbortSignal,
  ) {}

  handleEvent(): void {
    this.batch.leave(this)
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
