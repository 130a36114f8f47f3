import { ClosedError, type SignalOptions } from '@bigbuff/core'
import {
  assertDuration,
  assertFunction,
  assertPositiveInteger,
  closedMessage,
  handled,
  invalid,
  LinkQueue,
  noop,
  realClearTimeout,
  realSetTimeout,
  refuse,
  unrefTimer,
  unwatchAbort,
  Waiter,
  watchAbort,
} from '@bigbuff/internal'
import { Connection } from '../connection.js'
import { Closable } from '../internal/closable.js'
import { assertUrl } from '../redis-stream.js'
import { Lease } from './lease.js'
import { type LuaScript, runLua } from './lua.js'
import { Subscriber } from './subscriber.js'
import type { DistributedWork, RedisWorkersOptions } from './types.js'
import { ENQUEUE, POLL, RELEASE, RENEW } from './workers-scripts.js'

const DEFAULT_URL = 'redis://127.0.0.1:6379'
const DEFAULT_LEASE = 10_000
const CALL = 'call RedisWorkers.call()'
const WRAP = 'call RedisWorkers.wrap()'

/** One call of this process: queued in Redis, then running with a permit. */
class Job extends Waiter {
  readonly id: string
  readonly work: DistributedWork<unknown>
  readonly resolve: (value: unknown) => void
  readonly reject: (reason: unknown) => void
  readonly #owner: RedisWorkers
  /** Set once the job holds a permit. */
  controller: AbortController | undefined = undefined

  constructor(
    owner: RedisWorkers,
    id: string,
    work: DistributedWork<unknown>,
    resolve: (value: unknown) => void,
    reject: (reason: unknown) => void,
  ) {
    super()
    this.#owner = owner
    this.id = id
    this.work = work
    this.resolve = resolve
    this.reject = reject
  }

  aborted(reason: unknown): void {
    if (this.controller !== undefined) this.controller.abort(reason)
    else abandon(this.#owner, this, reason)
  }
}

let abandon: (owner: RedisWorkers, job: Job, reason: unknown) => void

/**
 * `Workers.call()` across processes: every process that creates a `RedisWorkers` with the same
 * `name` shares one limit on the jobs running at once.
 *
 * - At most `count` jobs of a name run at once across all processes; the latest `count` given by
 *   any call anywhere wins. Queued jobs start in the order Redis received them, whichever process
 *   queued them.
 * - A running job holds a permit with a lease renewed every `lease / 3` ms; `context.token` is a
 *   fencing token that strictly increases with every permit granted for the name; `context.signal`
 *   aborts when the caller's signal does or when the lease is lost.
 * - A process that dies (even by SIGKILL) frees its permits within `lease` plus one renewal
 *   interval, and its queued jobs are dropped.
 * - Aborting a queued job removes it from the queue in Redis; `close()` rejects this process's
 *   queued jobs with `ClosedError`, aborts its running ones and releases their permits.
 * - When Redis cannot be reached, calls reject with the client's error; a process that loses its
 *   connection rejects its queued jobs (Redis may have lost them), and running jobs see their
 *   `signal` abort once their lease is lost.
 *
 * Every state change is one Lua script; a process learns that another one granted it a permit
 * on its own pub/sub channel, and checks every `lease / 3` ms while it has jobs queued.
 *
 * @example
 * ```ts
 * const workers = new RedisWorkers({ name: 'thumbnails', url: process.env.REDIS_URL })
 * // However many instances of the service run, at most 10 thumbnails are rendered at once.
 * const image = await workers.call(10, ({ signal }) => renderImage(file, { signal }))
 * await workers.close()
 * ```
 */
export class RedisWorkers extends Closable {
  readonly #pid: string
  readonly #prefix: string
  readonly #lease: number
  readonly #ttl: string
  readonly #connection: Connection
  readonly #subscriber: Subscriber
  /** Jobs queued in Redis, in call order, and by id. */
  readonly #queue = new LinkQueue<Job>()
  readonly #queued = new Map<string, Job>()
  readonly #running = new Map<string, { job: Job; lease: Lease; settled: Promise<void> }>()
  #sequence = 0
  #heartbeat: ReturnType<typeof setTimeout> | undefined
  #polling: Promise<void> | undefined
  #pollAgain = false

  /**
   * Describes the object; connects to Redis on first use, not here.
   *
   * @param options - `name` (required) and, optionally, `url` and `lease`.
   * @throws `TypeError` for missing options, a missing or empty `name` or a bad `url`;
   *   `TypeError`/`RangeError` for a `lease` that is not a positive finite number.
   */
  constructor(options: RedisWorkersOptions) {
    super()
    const action = 'create RedisWorkers'
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(invalid(action, 'options must be an object', options))
    }
    const { name, url = DEFAULT_URL, lease = DEFAULT_LEASE } = options
    if (typeof name !== 'string' || name === '') {
      throw new TypeError(invalid(action, 'name must be a non-empty string', name))
    }
    assertUrl(url, action)
    assertDuration(lease, action, 'lease')
    if (lease === 0) throw new RangeError(invalid(action, 'lease must be greater than 0', lease))
    this.#lease = Math.ceil(lease)
    this.#pid = `${crypto.randomUUID()}:${this.#lease}`
    this.#prefix = `${name}:workers:`
    this.#ttl = String(Math.max(60_000, 3 * this.#lease))
    this.#connection = new Connection(url)
    this.#subscriber = new Subscriber(
      url,
      `${this.#prefix}wake:${this.#pid}`,
      (message) => this.#told(message),
      (error) => this.#lost(error),
    )
  }

  /** This process's jobs running now. */
  get count(): number {
    return this.#running.size
  }

  /** This process's jobs queued and not started yet. */
  get pending(): number {
    return this.#queue.length
  }

  /**
   * Queues `work` behind every job of the name queued before it, in any process, and resolves with
   * its result once it has run with a permit.
   *
   * @param count - how many jobs of the name may run at once from now on, across processes (a
   *   positive integer).
   * @param work - receives `{ signal, token }`.
   * @param options - `signal` removes the job from the queue everywhere, or aborts its work's signal once it runs.
   * @returns the work's value, or its error (the same object).
   * @throws (as a rejection) `RangeError`/`TypeError` for bad arguments, `signal.reason` when the
   *   signal aborts before the work starts, `ClosedError` once closed, the client's error when Redis
   *   cannot be reached.
   */
  call<T>(count: number, work: DistributedWork<T>, options?: SignalOptions): Promise<T> {
    try {
      assertPositiveInteger(count, CALL, 'count')
      assertFunction(work, CALL, 'work')
    } catch (error) {
      return Promise.reject(error)
    }
    const refused = refuse(options, CALL, this.closed ? () => this.#closedError(CALL) : undefined)
    if (refused !== undefined) return refused
    return new Promise<unknown>((resolve, reject) => {
      const id = `${this.#pid}|${++this.#sequence}`
      const job = new Job(this, id, work as DistributedWork<unknown>, resolve, reject)
      this.#queue.push(job)
      this.#queued.set(id, job)
      watchAbort(job, options?.signal)
      handled(this.#enqueue(job, count))
    }) as Promise<T>
  }

  /**
   * Returns a function that runs `fn` through `call(count, …)` with the arguments it was given.
   * @throws `RangeError`/`TypeError` at once for a bad `count` or a non-function `fn`.
   */
  wrap<A extends unknown[], T>(
    count: number,
    fn: (...args: A) => T | PromiseLike<T>,
  ): (...args: A) => Promise<T> {
    assertPositiveInteger(count, WRAP, 'count')
    assertFunction(fn, WRAP, 'fn')
    return (...args: A) => this.call(count, () => fn(...args))
  }

  /**
   * Rejects this process's queued jobs with `ClosedError` (removing them from Redis), aborts the
   * signals of its running jobs, releases their permits once they settled, and disconnects.
   * Idempotent; resolves with `done`.
   */
  override close(): Promise<void> {
    return super.close()
  }

  protected override async closing(): Promise<void> {
    this.#stopHeartbeat()
    const queued = this.#queue.drain()
    this.#queued.clear()
    for (const job of queued) {
      unwatchAbort(job)
      job.reject(this.#closedError(CALL, true))
    }
    if (queued.length > 0) await this.#script(RELEASE, ['0', ...queued.map((job) => job.id)]).catch(noop)
    const running = [...this.#running.values()]
    for (const { job } of running) job.controller?.abort(this.#closedError(CALL, true))
    await Promise.all(running.map((entry) => entry.settled))
    await Promise.all([this.#subscriber.close(), this.#connection.close().catch(noop)])
  }

  #closedError(action: string, whileWaiting = false): ClosedError {
    return new ClosedError(closedMessage(action, 'RedisWorkers', whileWaiting))
  }

  #script(script: LuaScript, args: readonly string[]): Promise<unknown> {
    return runLua(this.#connection, script, [], [this.#prefix, this.#pid, this.#ttl, ...args])
  }

  async #enqueue(job: Job, count: number): Promise<void> {
    let grants: unknown
    try {
      await this.#subscriber.ready()
      if (!job.linked) return
      grants = await this.#script(ENQUEUE, [String(count), job.id])
    } catch (error) {
      if (this.#queue.remove(job)) {
        this.#queued.delete(job.id)
        unwatchAbort(job)
        job.reject(error)
      }
      return
    }
    this.#accept(grants)
    this.#startHeartbeat()
  }

  /** Another process granted permits to jobs of this one: `id token id token …`. */
  #told(message: string): void {
    const parts = message.split(' ')
    for (let i = 0; i + 1 < parts.length; i += 2) {
      const job = this.#queued.get(parts[i]!)
      // A job that is gone (aborted, or rejected by close(), which empties #queued at once) was
      // released with it, or is released when its grant is taken.
      if (job !== undefined) this.#start(job, Number(parts[i + 1]))
    }
    if (this.#queue.length === 0) this.#stopHeartbeat()
  }

  /** Starts the jobs Redis granted a permit; gives back permits of jobs that are gone. */
  #accept(reply: unknown): void {
    const grants = reply as string[]
    let stale: string[] | undefined
    for (let i = 0; i < grants.length; i += 2) {
      const id = grants[i]!
      // Already started from the published grant.
      if (this.#running.has(id)) continue
      const job = this.#queued.get(id)
      // Gone meanwhile (aborted, or rejected by close()): give its permit back.
      if (job === undefined) (stale ??= []).push(id)
      else this.#start(job, Number(grants[i + 1]))
    }
    if (stale !== undefined) this.#release(stale)
    if (this.#queue.length === 0) this.#stopHeartbeat()
  }

  #start(job: Job, token: number): void {
    this.#queue.remove(job)
    this.#queued.delete(job.id)
    const controller = new AbortController()
    job.controller = controller
    const lease = new Lease(
      token,
      this.#lease,
      {
        renew: async () =>
          (await runLua(this.#connection, RENEW, [], [this.#prefix, job.id, this.#lease])) === 1,
        release: () => this.#release([job.id]),
      },
      `the permit of a RedisWorkers job`,
    )
    const lost = (): void => controller.abort(lease.signal.reason)
    lease.signal.addEventListener('abort', lost, { once: true })
    const settled = (async () => {
      try {
        const work = job.work
        job.resolve(await work({ signal: controller.signal, token }))
      } catch (error) {
        job.reject(error)
      }
      unwatchAbort(job)
      lease.signal.removeEventListener('abort', lost)
      this.#running.delete(job.id)
      await lease.close()
    })()
    this.#running.set(job.id, { job, lease, settled })
  }

  /** Gives up jobs (queued, granted or running) in Redis and starts what that grants here. */
  async #release(ids: readonly string[]): Promise<void> {
    try {
      this.#accept(await this.#script(RELEASE, [this.#queue.length > 0 ? '1' : '0', ...ids]))
    } catch {
      // Unreachable: the permits expire with their leases, queued entries with this process.
    }
  }

  static {
    abandon = (owner, job, reason) => owner.#abandon(job, reason)
  }

  /** A queued job's signal aborted: it leaves the queue here and in Redis. */
  #abandon(job: Job, reason: unknown): void {
    // Still queued: every other way out of the queue starts the job or stops watching its signal.
    this.#queue.remove(job)
    this.#queued.delete(job.id)
    job.reject(reason)
    handled(this.#release([job.id]))
  }

  /** Asks Redis for grants; called by the heartbeat while jobs are queued and not closed. */
  #poll(): void {
    if (this.#polling !== undefined) {
      this.#pollAgain = true
      return
    }
    this.#polling = (async () => {
      do {
        this.#pollAgain = false
        try {
          this.#accept(await this.#script(POLL, ['1']))
        } catch (error) {
          this.#failQueued(error)
        }
        // close() empties the queue at once, so this also stops once closed.
      } while (this.#pollAgain && this.#queue.length > 0)
      this.#polling = undefined
    })()
  }

  /** Redis could not be reached, or the wake-up channel was lost: queued jobs reject with the error. */
  #failQueued(error: unknown): void {
    this.#stopHeartbeat()
    for (const job of this.#queue.drain()) {
      this.#queued.delete(job.id)
      unwatchAbort(job)
      job.reject(error)
    }
  }

  #lost(error: unknown): void {
    // Grants announced meanwhile would be missed, and a Redis that restarted has lost the queue.
    const ids = [...this.#queued.keys()]
    this.#failQueued(error)
    if (ids.length > 0) handled(this.#release(ids))
  }

  #startHeartbeat(): void {
    if (this.#heartbeat !== undefined || this.#queue.length === 0 || this.closed) return
    const beat = (): void => {
      this.#heartbeat = undefined
      if (this.#queue.length === 0 || this.closed) return
      this.#poll()
      this.#heartbeat = realSetTimeout(beat, this.#lease / 3)
      unrefTimer(this.#heartbeat)
    }
    this.#heartbeat = realSetTimeout(beat, this.#lease / 3)
    unrefTimer(this.#heartbeat)
  }

  #stopHeartbeat(): void {
    if (this.#heartbeat !== undefined) realClearTimeout(this.#heartbeat)
    this.#heartbeat = undefined
  }
}
