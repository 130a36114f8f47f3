import type { SignalOptions, WorkContext } from '@bigbuff/core'
import {
  assertFunction,
  assertPositiveInteger,
  type Deferred,
  deferred,
  type Linked,
  LinkQueue,
  refuse,
  unwatchAbort,
  Waiter,
  watchAbort,
} from '@bigbuff/internal'

const CALL = 'call Workers.call()'
const WRAP = 'call Workers.wrap()'

/**
 * A pool of workers whose size can change with every call: jobs queue in FIFO order and at most
 * `count` of them run at once, where `count` is the one given by the latest call.
 *
 * - Jobs start in the order they were queued. A job starts synchronously inside `call()` when a
 *   worker is free, otherwise as soon as one frees up.
 * - The latest `count` wins for every queued job: raising it starts more jobs at once; lowering it
 *   never interrupts a running job — surplus workers stop as their jobs finish.
 * - A job's outcome settles only its own call; a work function that throws counts as a rejection.
 * - Aborting a queued job removes it from the queue and rejects its call with `signal.reason`;
 *   aborting a running job aborts the `signal` its work received, and the call settles as the work does.
 * - Workers exist only while there is work: an idle pool holds no timers and no pending promises.
 *
 * @example
 * ```ts
 * const workers = new Workers()
 * const pages = await Promise.all(urls.map((url) => workers.call(4, ({ signal }) => fetch(url, { signal }))))
 * ```
 */
export class Workers {
  #pool = new Pool()

  /** Jobs running now (live workers). */
  get count(): number {
    return this.#pool.running
  }

  /** Jobs queued and not started yet. */
  get pending(): number {
    return this.#pool.pending
  }

  /**
   * Queues `work` and resolves with its result once a worker has run it.
   *
   * @param count - how many jobs may run at once from now on, for every queued job (a positive integer).
   * @param work - receives `{ signal }`: the caller's signal, or one that never aborts.
   * @param options - `signal` removes the job while it is queued, or aborts its work's signal once it runs.
   * @returns the work's value, or its error (the same object).
   * @throws (as a rejection) `RangeError` for a `count` that is not a positive integer, `TypeError` for a
   * non-function `work` or bad options, and `signal.reason` when the signal aborts before the work starts.
   * @example
   * ```ts
   * const user = await workers.call(2, ({ signal }) => loadUser(id, { signal }), { signal })
   * ```
   */
  call<T>(
    count: number,
    work: (context: WorkContext) => T | PromiseLike<T>,
    options?: SignalOptions,
  ): Promise<T> {
    try {
      assertPositiveInteger(count, CALL, 'count')
      assertFunction(work, CALL, 'work')
    } catch (error) {
      return Promise.reject(error)
    }
    const refused = refuse(options, CALL)
    if (refused !== undefined) return refused
    const signal = options?.signal
    return this.#pool.add(count, work, undefined, signal)
  }

  /**
   * Returns a function that runs `fn` through this pool, `count` at once, passing its arguments through.
   *
   * @param count - as for {@link Workers.call} (a positive integer), validated now.
   * @param fn - the function to run; it receives the wrapper's arguments unchanged.
   * @returns a function returning a promise of `fn`'s result.
   * @throws `RangeError` for a `count` that is not a positive integer, `TypeError` for a non-function `fn`.
   * @example
   * ```ts
   * const upload = workers.wrap(2, (file: File) => put(file))
   * await Promise.all(files.map(upload))
   * ```
   */
  wrap<A extends unknown[], T>(
    count: number,
    fn: (...args: A) => T | PromiseLike<T>,
  ): (...args: A) => Promise<T> {
    assertPositiveInteger(count, WRAP, 'count')
    assertFunction(fn, WRAP, 'fn')
    const pool = this.#pool
    return (...args: A) => pool.add(count, fn as (...args: unknown[]) => T | PromiseLike<T>, args, undefined)
  }

  /**
   * Resolves once no job is running or queued: at once when the pool is idle.
   *
   * @returns a promise that never rejects.
   * @example
   * ```ts
   * for (const item of items) void workers.call(8, () => handle(item)).catch(report)
   * await workers.wait()
   * ```
   */
  wait(): Promise<void> {
    return this.#pool.idle()
  }
}

/**
 * The resolve function of the promise being created, handed from {@link capture} to its {@link Job},
 * which clears it so the module never holds on to a settled promise (and its value).
 */
let captured: ((value: unknown) => void) | undefined

/** The one executor of every job's promise: a module function, so a call allocates no closure for it. */
function capture(resolve: (value: unknown) => void): void {
  captured = resolve
}

/** The resolve function {@link capture} just received, for the job being made; clears it. */
function takeResolve(): (value: unknown) => void {
  const resolve = captured as (value: unknown) => void
  captured = undefined
  return resolve
}

/** What the pool does with a queued job, whichever kind it is. */
interface QueuedJob extends Linked {
  /** Settles the caller's promise; given a rejected promise, rejects it. */
  readonly resolve: (value: unknown) => void
  /** Calls the work; the job has left the queue. */
  run(): unknown
}

/**
 * A queued `call()` without a signal: its own node in the pool's {@link LinkQueue} and nothing
 * more. The jobs are the bulk of what a busy pool holds, and their size is what its garbage
 * collector copies: carrying a {@link Waiter}'s signal fields as well cost 5-10% in the limiter
 * benchmark, so only a job with a signal is a Waiter ({@link SignalJob}).
 */
class Job implements QueuedJob {
  prev: Linked | undefined = undefined
  next: Linked | undefined = undefined
  linked = false
  readonly fn: Function
  readonly resolve: (value: unknown) => void

  constructor(fn: Function) {
    this.fn = fn
    this.resolve = takeResolve()
  }

  /** Calls the work with a context whose signal never aborts. */
  run(): unknown {
    const fn = this.fn
    return fn(new QuietContext())
  }
}

/** A call of a `wrap()` function: the function receives the wrapper's arguments. */
class ArgsJob extends Job {
  readonly args: unknown[]

  constructor(fn: Function, args: unknown[]) {
    super(fn)
    this.args = args
  }

  override run(): unknown {
    const fn = this.fn
    return fn(...this.args)
  }
}

/**
 * A queued `call()` with a signal: a {@link Waiter}, so it shares its signal's one listener. It keeps
 * no field for the signal: while queued, the signal is its watch's.
 */
class SignalJob extends Waiter implements QueuedJob {
  readonly fn: Function
  readonly resolve: (value: unknown) => void
  readonly #pool: Pool

  constructor(fn: Function, pool: Pool) {
    super()
    this.fn = fn
    this.resolve = takeResolve()
    this.#pool = pool
  }

  /** Leaves its signal's watch and calls the work with that signal. */
  run(): unknown {
    const fn = this.fn
    const signal = (this.watch as NonNullable<Waiter['watch']>).signal
    unwatchAbort(this)
    return fn({ signal })
  }

  /** Its signal aborted while it was queued. */
  aborted(reason: unknown): void {
    this.#pool.cancel(this, reason)
  }
}

/** A work context for a job without a caller signal: its never-aborting signal is made on first use. */
class QuietContext implements WorkContext {
  #signal: AbortSignal | undefined
  get signal(): AbortSignal {
    return (this.#signal ??= new AbortController().signal)
  }
}

class Pool {
  running = 0
  #target = 1
  readonly #queue = new LinkQueue<QueuedJob>()
  #idle: Deferred<void> | undefined
  readonly #done = (): void => {
    this.running--
    this.#pump()
  }

  /** Jobs queued and not started yet. */
  get pending(): number {
    return this.#queue.length
  }

  add<T>(
    count: number,
    fn: Function,
    args: unknown[] | undefined,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    const promise = new Promise<unknown>(capture) as Promise<T>
    this.#target = count
    if (signal === undefined) {
      this.#queue.push(args === undefined ? new Job(fn) : new ArgsJob(fn, args))
    } else {
      const job = new SignalJob(fn, this)
      this.#queue.push(job)
      watchAbort(job, signal)
    }
    this.#pump()
    return promise
  }

  /** A queued job's signal aborted: it leaves the queue and its call rejects with the reason. */
  cancel(job: QueuedJob, reason: unknown): void {
    this.#queue.remove(job)
    job.resolve(Promise.reject(reason))
  }

  idle(): Promise<void> {
    if (this.running === 0 && this.pending === 0) return Promise.resolve()
    return (this.#idle ??= deferred<void>()).promise
  }

  #pump(): void {
    const queue = this.#queue
    let job: QueuedJob | undefined
    while (this.running < this.#target && (job = queue.shift()) !== undefined) this.#start(job)
    if (this.running === 0 && this.#idle) {
      this.#idle.resolve()
      this.#idle = undefined
    }
  }

  #start(job: QueuedJob): void {
    this.running++
    let result: Promise<unknown>
    try {
      result = Promise.resolve(job.run())
    } catch (error) {
      result = Promise.reject(error)
    }
    job.resolve(result)
    result.then(this.#done, this.#done)
  }
}
