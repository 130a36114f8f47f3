import { ClosedError } from '@bigbuff/core'
import {
  assertDuration,
  assertFunction,
  assertOptions,
  closedMessage,
  deferred,
  invalid,
  noop,
  realClearTimeout,
  realSetTimeout,
  refuse,
  unrefTimer,
  unwatchAbort,
  Waiter,
  watchAbort,
} from '@bigbuff/internal'
import { assertCodec, jsonCodec } from '../codec.js'
import { Connection } from '../connection.js'
import { Closable } from '../internal/closable.js'
import { assertUrl } from '../redis-stream.js'
import type { Codec } from '../types.js'
import { FINISH, JOIN, LEAVE, RELEASE, RENEW, STEP } from './exclusive-scripts.js'
import { Lease } from './lease.js'
import { type LuaScript, runLua } from './lua.js'
import { Subscriber } from './subscriber.js'
import type { DistributedWork, ExclusiveCallOptions, RedisExclusiveOptions } from './types.js'

const DEFAULT_URL = 'redis://127.0.0.1:6379'
const DEFAULT_LEASE = 10_000
const CALL = 'call RedisExclusive.call()'
const START = 'call RedisExclusive.start()'

/**
 * A caller of `call()` or `start()` in this process: a {@link Waiter}, so the callers of one signal
 * share its one abort listener.
 */
class Caller extends Waiter {
  readonly awaiting: boolean
  readonly resolve: (value: unknown) => void
  readonly reject: (reason: unknown) => void
  readonly #owner: RedisExclusive
  batch: LocalBatch | undefined = undefined
  /** In a join being sent (its batch not known yet). */
  pending: PendingJoin | undefined = undefined
  done = false

  constructor(
    owner: RedisExclusive,
    awaiting: boolean,
    resolve: (value: unknown) => void,
    reject: (reason: unknown) => void,
  ) {
    super()
    this.#owner = owner
    this.awaiting = awaiting
    this.resolve = resolve
    this.reject = reject
  }

  /** Its signal aborted while it waited. */
  aborted(reason: unknown): void {
    leave(this.#owner, this, reason)
  }
}

let leave: (owner: RedisExclusive, caller: Caller, reason: unknown) => void

/** The callers of one key that joined in this tick: sent to Redis as one JOIN. */
interface PendingJoin {
  readonly key: string
  readonly callers: Caller[]
  work: DistributedWork<unknown>
  readonly firstWait: number
  lastWait: number
  rate: number
  /** Callers that left while the JOIN was on its way (to be sent as a LEAVE once it is known). */
  left: number
  leftAwaiting: number
  sent: boolean
}

/** A batch this process has callers in. */
interface LocalBatch {
  readonly key: string
  readonly id: string
  readonly callers: Set<Caller>
  work: DistributedWork<unknown>
  primary: boolean
  timer: ReturnType<typeof setTimeout> | undefined
  run: LocalRun | undefined
}

/** A run of a batch in this process. */
interface LocalRun {
  readonly batch: LocalBatch
  readonly token: string
  readonly lease: Lease
  readonly controller: AbortController
  finished: boolean
  /** Why every caller left (when they did). */
  abandoned: { reason: unknown } | undefined
  /** The reason of the last caller of this process that left the run. */
  lastLeft: { reason: unknown } | undefined
  /** LEAVEs of this process for the run still on their way. */
  leaving: number
}

/** An outcome as carried between processes. */
type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown }

/**
 * `Exclusive` across processes: per key, runs never overlap anywhere, and calls from every
 * process that shares a `namespace` are debounced into batches that share one run and one result.
 *
 * - A call joins its key's open batch (in Redis). A batch with nothing running before it starts at
 *   once (or after its `wait`, timed on the Redis clock); calls made while a run is in progress,
 *   in any process, join the batch that starts after it — so the result a call receives comes
 *   from a run that started after the call (freshness).
 * - The batch runs once, in the process of its last joiner (in the order Redis recorded the
 *   joins), with that process's last work function; its value (through `codec`) or its error
 *   (rebuilt elsewhere as an `Error` with the same `name`, `message` and `code`) reaches every
 *   caller of the batch in every process. Callers in the process that ran it get the value itself.
 * - The run holds the key with a lease renewed every `lease / 3`; `context.token` is a fencing token
 *   that strictly increases per key; `context.signal` aborts when the lease is lost, or when every
 *   caller in every process left (and no `start()` joined).
 * - A process that dies while running a batch loses its lease; within `lease` plus one renewal
 *   interval another process with callers in that batch runs it anew.
 * - Every state change is one Lua script; Redis keys of an idle key expire.
 *
 * @example
 * ```ts
 * const exclusive = new RedisExclusive({ namespace: 'reports', url: process.env.REDIS_URL })
 * // Every instance of the service asking at once shares one refresh.
 * const report = await exclusive.call('daily', ({ signal, token }) => buildReport({ signal, token }))
 * await exclusive.close()
 * ```
 */
export class RedisExclusive extends Closable {
  readonly #pid = crypto.randomUUID()
  readonly #prefix: string
  readonly #channel: string
  readonly #lease: number
  readonly #ttl: number
  readonly #codec: Codec<unknown>
  readonly #onError: ((error: unknown, key: string) => void) | undefined
  readonly #connection: Connection
  readonly #subscriber: Subscriber
  readonly #pending = new Map<string, PendingJoin>()
  /** Joins sent to Redis whose reply has not arrived. */
  readonly #inflight = new Set<PendingJoin>()
  /** Every join being sent, awaited by close(). */
  readonly #sending = new Set<Promise<void>>()
  readonly #batches = new Map<string, LocalBatch>()
  /** 'run' messages for this process that arrived before its JOIN reply named the batch. */
  readonly #early = new Map<string, string>()

  /**
   * Describes the object; connects to Redis on first use, not here.
   *
   * @param options - `namespace` (required) and, optionally, `url`, `codec`, `lease`, `onError`.
   * @throws `TypeError` for a missing or empty `namespace`, a bad `url`, a `codec` without
   *   `encode`/`decode`, a non-function `onError`; `TypeError`/`RangeError` for a `lease` that is
   *   not a positive finite number.
   */
  constructor(options: RedisExclusiveOptions) {
    super()
    const action = 'create RedisExclusive'
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(invalid(action, 'options must be an object', options))
    }
    const { namespace, url = DEFAULT_URL, codec = jsonCodec, lease = DEFAULT_LEASE, onError } = options
    if (typeof namespace !== 'string' || namespace === '') {
      throw new TypeError(invalid(action, 'namespace must be a non-empty string', namespace))
    }
    assertUrl(url, action)
    assertCodec(codec, action)
    assertDuration(lease, action, 'lease')
    if (lease === 0) throw new RangeError(invalid(action, 'lease must be greater than 0', lease))
    if (onError !== undefined) assertFunction(onError, action, 'onError')
    this.#prefix = `${namespace}:exclusive:`
    this.#channel = `${namespace}:exclusive`
    this.#lease = lease
    this.#ttl = Math.max(60_000, 3 * lease)
    this.#codec = codec
    this.#onError = onError
    this.#connection = new Connection(url)
    this.#subscriber = new Subscriber(
      url,
      this.#channel,
      (message) => this.#message(message),
      (error) => this.#lost(error),
    )
  }

  /**
   * Joins `key`'s next batch (shared by every process of the namespace) and resolves with the
   * result of its run.
   *
   * @param key - which batches to join.
   * @param work - receives `{ signal, token }`; runs only if this process was the batch's last joiner.
   * @param options - `wait` and `rateLimit` in ms (Redis clock; default 0); `signal` makes this caller leave.
   * @returns the run's value, or its error: the same object in the process that ran it, a rebuilt
   *   `Error` (same `name`, `message`, `code`) elsewhere.
   * @throws (as a rejection) `TypeError`/`RangeError` for bad arguments, `signal.reason` when this
   *   caller's signal aborts, `ClosedError` once closed, the client's error when Redis cannot be
   *   reached, `LeaseLostError` when this process's run of the batch lost its lease.
   */
  call<T>(key: string, work: DistributedWork<T>, options?: ExclusiveCallOptions): Promise<T> {
    let wait: number
    let rate: number
    try {
      assertKey(key, CALL)
      assertFunction(work, CALL, 'work')
      wait = duration(options?.wait, CALL, 'wait')
      rate = duration(options?.rateLimit, CALL, 'rateLimit')
    } catch (error) {
      return Promise.reject(error)
    }
    const refused = refuse(options, CALL, this.closed ? () => this.#closedError(CALL) : undefined)
    if (refused !== undefined) return refused
    const settle = deferred<T>()
    const caller = new Caller(this, true, settle.resolve as (value: unknown) => void, settle.reject)
    watchAbort(caller, options?.signal)
    this.#join(key, caller, work as DistributedWork<unknown>, wait, rate)
    return settle.promise
  }

  /**
   * Joins `key`'s next batch without waiting for its result; the batch runs even if no `call()`
   * joins it. Errors of runs no caller anywhere awaits go to `onError`.
   *
   * @throws `TypeError`/`RangeError` for bad arguments, `ClosedError` once closed.
   */
  start(key: string, work: DistributedWork<unknown>, options?: Omit<ExclusiveCallOptions, 'signal'>): void {
    assertKey(key, START)
    assertFunction(work, START, 'work')
    assertOptions(options, START)
    const wait = duration(options?.wait, START, 'wait')
    const rate = duration(options?.rateLimit, START, 'rateLimit')
    if (this.closed) throw this.#closedError(START)
    const caller = new Caller(this, false, noop, (error) => {
      if (!(error instanceof ClosedError)) this.#report(error, key)
    })
    this.#join(key, caller, work, wait, rate)
  }

  /**
   * Rejects this process's waiting callers with `ClosedError`, hands the batches it is running to
   * other processes that have callers in them (their `context.signal` aborts here), and
   * disconnects. Idempotent.
   */
  override close(): Promise<void> {
    return super.close()
  }

  protected override async closing(): Promise<void> {
    const closed = (): ClosedError => this.#closedError(CALL, true)
    const work: Promise<unknown>[] = []
    for (const pending of [...this.#pending.values(), ...this.#inflight]) {
      for (const caller of pending.callers) this.#settle(caller, false, closed())
    }
    this.#pending.clear()
    for (const batch of [...this.#batches.values()]) {
      const run = batch.run
      let awaiting = 0
      let count = 0
      for (const caller of batch.callers) {
        count++
        if (caller.awaiting) awaiting++
        caller.batch = undefined
        this.#settle(caller, false, closed())
      }
      batch.callers.clear()
      this.#forget(batch)
      if (run && !run.finished) {
        run.finished = true
        run.controller.abort(closed())
        void run.lease.close()
        work.push(this.#script(RELEASE, batch.key, [batch.id, run.token]).catch(noop))
      } else {
        // A batch here without a run has callers: the last one leaving forgets it.
        work.push(this.#script(LEAVE, batch.key, [batch.id, count, awaiting]).catch(noop))
      }
    }
    await Promise.all([...work, ...this.#sending])
    await Promise.all([this.#subscriber.close(), this.#connection.close().catch(noop)])
  }

  // --- joining and leaving ---------------------------------------------------------------------

  #join(key: string, caller: Caller, work: DistributedWork<unknown>, wait: number, rate: number): void {
    let pending = this.#pending.get(key)
    if (pending === undefined) {
      pending = {
        key,
        callers: [],
        work,
        firstWait: wait,
        lastWait: wait,
        rate,
        left: 0,
        leftAwaiting: 0,
        sent: false,
      }
      this.#pending.set(key, pending)
      const scheduled = pending
      queueMicrotask(() => {
        const sending = this.#send(scheduled)
        this.#sending.add(sending)
        void sending.then(() => this.#sending.delete(sending))
      })
    }
    pending.callers.push(caller)
    pending.work = work
    pending.lastWait = wait
    pending.rate = rate
    caller.pending = pending
  }

  async #send(pending: PendingJoin): Promise<void> {
    if (this.#pending.get(pending.key) !== pending) return
    this.#pending.delete(pending.key)
    // Callers that left before the send are gone from the list (a list of only those is never sent).
    const callers = pending.callers.filter((caller) => !caller.done)
    pending.sent = true
    this.#inflight.add(pending)
    let reply: unknown[]
    try {
      await this.#subscriber.ready()
      reply = (await this.#script(JOIN, pending.key, [
        callers.length,
        callers.filter((caller) => caller.awaiting).length,
        pending.firstWait,
        pending.lastWait,
        pending.rate,
      ])) as unknown[]
    } catch (error) {
      this.#inflight.delete(pending)
      for (const caller of callers) this.#settle(caller, false, error)
      return
    }
    this.#inflight.delete(pending)
    const id = String(reply[0])
    if (this.closed) {
      // Closed while the join was on its way: withdraw it (the callers were rejected by close()).
      const withdraw =
        reply[2] === 'run' && reply[3] === this.#pid
          ? this.#script(RELEASE, pending.key, [id, String(reply[4])])
          : this.#script(LEAVE, pending.key, [id, callers.length, callers.filter((c) => c.awaiting).length])
      await withdraw.catch(noop)
      return
    }
    const batch = this.#batch(pending.key, id, pending.work)
    if (reply[1] === 1) batch.primary = true
    for (const caller of callers) {
      caller.pending = undefined
      if (caller.done) continue
      caller.batch = batch
      batch.callers.add(caller)
    }
    if (pending.left > 0) {
      this.#script(LEAVE, pending.key, [id, pending.left, pending.leftAwaiting]).catch(noop)
    }
    this.#state(batch, reply.slice(2))
  }

  static {
    leave = (owner, caller, reason) => owner.#leave(caller, reason)
  }

  #closedError(action: string, whileWaiting = false): ClosedError {
    return new ClosedError(closedMessage(action, 'RedisExclusive', whileWaiting))
  }

  /** A caller's signal aborted: it is rejected now and leaves its batch everywhere. */
  #leave(caller: Caller, reason: unknown): void {
    // Only reached while the caller waits: it is unregistered from its signal when it settles.
    const pending = caller.pending
    // A caller not in a join being sent is in a batch.
    const batch = caller.batch as LocalBatch
    this.#settle(caller, false, reason)
    if (pending) {
      if (pending.sent) {
        // Only call()s have a signal, so a caller that leaves is always an awaiting one.
        pending.left++
        pending.leftAwaiting++
      } else if (pending.callers.every((other) => other.done)) {
        this.#pending.delete(pending.key)
      }
      return
    }
    batch.callers.delete(caller)
    const run = batch.run
    if (run) {
      run.lastLeft = { reason }
      run.leaving++
    }
    if (batch.callers.size === 0 && !run) this.#forget(batch)
    const left = (nobody: unknown): void => {
      if (!run) return
      run.leaving--
      if (nobody === 1 && !run.finished && batch.callers.size === 0) this.#abandon(run, reason)
    }
    this.#script(LEAVE, batch.key, [batch.id, 1, 1]).then(left, () => left(0))
  }

  // --- batches ---------------------------------------------------------------------------------

  #batch(key: string, id: string, work: DistributedWork<unknown>): LocalBatch {
    const name = batchName(key, id)
    let batch = this.#batches.get(name)
    if (batch === undefined) {
      batch = { key, id, callers: new Set(), work, primary: false, timer: undefined, run: undefined }
      this.#batches.set(name, batch)
    } else {
      batch.work = work
    }
    return batch
  }

  #forget(batch: LocalBatch): void {
    this.#clearTimer(batch)
    this.#batches.delete(batchName(batch.key, batch.id))
  }

  #clearTimer(batch: LocalBatch): void {
    if (batch.timer !== undefined) realClearTimeout(batch.timer)
    batch.timer = undefined
  }

  /** Acts on a batch state reported by a script: ['run', owner, token] | ['due', ms] | …. */
  #state(batch: LocalBatch, state: unknown[]): void {
    const early = this.#early.get(batchName(batch.key, batch.id))
    if (early !== undefined) {
      this.#early.delete(batchName(batch.key, batch.id))
      this.#run(batch, early)
      return
    }
    const interval = this.#lease / 3
    switch (state[0]) {
      case 'run':
        if (state[1] === this.#pid) this.#run(batch, String(state[2]))
        else this.#check(batch, this.#lease + interval)
        return
      case 'due':
        this.#check(batch, Number(state[1]) + (batch.primary ? 0 : interval))
        return
      case 'queued':
      case 'running':
        this.#check(batch, Number(state[1]) + interval)
        return
      case 'done':
        this.#deliver(batch, this.#decode(String(state[1])))
        return
      default:
        this.#fail(batch, new Error(`The state of batch ${batch.id} of key ${batch.key} was lost in Redis`))
    }
  }

  /** Looks at (and, when due, starts or takes over) the batch after `delay` ms. */
  #check(batch: LocalBatch, delay: number): void {
    this.#clearTimer(batch)
    batch.timer = realSetTimeout(
      () => {
        // Running the batch here, forgetting it and close() all clear this timer first.
        batch.timer = undefined
        this.#script(STEP, batch.key, [batch.id]).then(
          (state) => {
            if (!this.closed && this.#batches.has(batchName(batch.key, batch.id)))
              this.#state(batch, state as unknown[])
          },
          (error) => this.#fail(batch, error),
        )
      },
      Math.max(0, delay),
    )
    unrefTimer(batch.timer)
  }

  #fail(batch: LocalBatch, error: unknown): void {
    this.#forget(batch)
    for (const caller of batch.callers) this.#settle(caller, false, error)
    batch.callers.clear()
  }

  #deliver(batch: LocalBatch, outcome: Outcome): void {
    this.#forget(batch)
    for (const caller of batch.callers) {
      // A start()'s error is reported once, by the process that ran the batch (see #finish).
      if (outcome.ok || !caller.awaiting) this.#settle(caller, true, outcome.ok ? outcome.value : undefined)
      else this.#settle(caller, false, outcome.error)
    }
    batch.callers.clear()
  }

  #settle(caller: Caller, ok: boolean, outcome: unknown): void {
    if (caller.done) return
    caller.done = true
    unwatchAbort(caller)
    if (ok) caller.resolve(outcome)
    else caller.reject(outcome)
  }

  // --- runs --------------------------------------------------------------------------------------

  #run(batch: LocalBatch, token: string): void {
    if (batch.run || this.closed) return
    this.#clearTimer(batch)
    const controller = new AbortController()
    const lease = new Lease(
      Number(token),
      this.#lease,
      {
        renew: async () => (await this.#script(RENEW, batch.key, [batch.id, token])) === 1,
        release: async () => {},
      },
      `the lease on key ${batch.key}`,
    )
    const run: LocalRun = {
      batch,
      token,
      lease,
      controller,
      finished: false,
      abandoned: undefined,
      lastLeft: undefined,
      leaving: 0,
    }
    batch.run = run
    lease.signal.addEventListener(
      'abort',
      () => {
        // Never after the run finished: finishing closes the lease, which then is never lost.
        controller.abort(lease.signal.reason)
        // This process no longer runs the batch: its callers get the loss, not a result.
        this.#fail(batch, lease.signal.reason)
      },
      { once: true },
    )
    const context = { signal: controller.signal, token: Number(token) }
    let result: Promise<unknown>
    try {
      result = Promise.resolve(batch.work(context))
    } catch (error) {
      result = Promise.reject(error)
    }
    result.then(
      (value) => this.#finish(run, { ok: true, value }),
      (error: unknown) => this.#finish(run, { ok: false, error }),
    )
  }

  #abandon(run: LocalRun, reason: unknown): void {
    if (run.abandoned) return
    run.abandoned = { reason }
    run.controller.abort(reason)
  }

  async #finish(run: LocalRun, outcome: Outcome): Promise<void> {
    if (run.finished) return
    run.finished = true
    const { batch, lease } = run
    const lost = lease.lost
    void lease.close()
    if (lost) return
    const hadCallers = [...batch.callers].some((caller) => caller.awaiting)
    this.#deliver(batch, outcome)
    let awaiting: unknown
    try {
      awaiting = await this.#script(FINISH, batch.key, [
        batch.id,
        run.token,
        this.#encode(outcome),
        2 * this.#lease,
      ])
    } catch (error) {
      if (!outcome.ok && !hadCallers) this.#report(outcome.error, batch.key)
      else if (!hadCallers) this.#report(error, batch.key)
      return
    }
    if (outcome.ok || hadCallers || (typeof awaiting === 'number' && awaiting > 0)) return
    const ownAbort = run.controller.signal.aborted && outcome.error === run.controller.signal.reason
    if (ownAbort && (run.abandoned !== undefined || awaiting === 0)) return
    this.#report(outcome.error, batch.key)
  }

  // --- messages ----------------------------------------------------------------------------------

  #message(text: string): void {
    let message: unknown[]
    try {
      message = JSON.parse(text) as unknown[]
    } catch {
      return
    }
    const [kind, key, id] = message as [string, string, string]
    const name = batchName(key, String(id))
    const batch = this.#batches.get(name)
    switch (kind) {
      case 'run':
        if (message[3] === this.#pid) {
          if (batch) this.#run(batch, String(message[4]))
          else this.#early.set(name, String(message[4]))
        } else if (batch && !batch.run) this.#check(batch, this.#lease + this.#lease / 3)
        return
      case 'due':
        if (batch && !batch.run)
          this.#check(batch, Number(message[3]) + (batch.primary ? 0 : this.#lease / 3))
        return
      case 'done':
        if (batch && !batch.run) this.#deliver(batch, this.#decode(String(message[3])))
        return
      case 'abort':
        if (batch?.run && !batch.run.finished) {
          // When a caller of this process left last, the work sees its reason.
          const local = batch.run.leaving > 0 ? batch.run.lastLeft : undefined
          this.#abandon(
            batch.run,
            local ? local.reason : new DOMException('Every caller of the batch left', 'AbortError'),
          )
        }
        return
      case 'dropped':
        if (batch && !batch.run) this.#fail(batch, new Error(`Batch ${id} of key ${key} was dropped`))
        return
    }
  }

  /** The subscriber connection was lost: results may be missed, so waiting callers get the error. */
  #lost(error: unknown): void {
    for (const batch of [...this.#batches.values()]) {
      if (batch.run) continue
      this.#fail(batch, error)
    }
  }

  // --- helpers -----------------------------------------------------------------------------------

  #script(script: LuaScript, key: string, args: readonly (string | number)[]): Promise<unknown> {
    return runLua(
      this.#connection,
      script,
      [this.#prefix + key],
      [this.#channel, Math.ceil(this.#lease), this.#ttl, key, this.#pid, ...args],
    )
  }

  #encode(outcome: Outcome): string {
    if (outcome.ok) {
      try {
        const text: unknown = this.#codec.encode(outcome.value)
        if (typeof text !== 'string')
          throw new TypeError(invalid(CALL, 'codec.encode must return a string', text))
        return `v${text}`
      } catch (error) {
        return `e${describeError(error)}`
      }
    }
    return `e${describeError(outcome.error)}`
  }

  #decode(text: string): Outcome {
    if (text.startsWith('v')) {
      try {
        return { ok: true, value: this.#codec.decode(text.slice(1)) }
      } catch (error) {
        return { ok: false, error }
      }
    }
    // Written by describeError(): name and message are strings, code is there when the error had one.
    const { name, message, code } = JSON.parse(text.slice(1)) as {
      name: string
      message: string
      code?: unknown
    }
    const error = Object.assign(new Error(message), code === undefined ? {} : { code })
    error.name = name
    return { ok: false, error }
  }

  #report(error: unknown, key: string): void {
    if (!this.#onError) return
    try {
      this.#onError(error, key)
    } catch {
      // A throwing onError must not break the library.
    }
  }
}

function batchName(key: string, id: string): string {
  return `${id}\u0000${key}`
}

function describeError(error: unknown): string {
  const source = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown
    message?: unknown
    code?: unknown
  }
  const code = typeof source.code === 'string' || typeof source.code === 'number' ? source.code : undefined
  return JSON.stringify({
    name: typeof source.name === 'string' ? source.name : 'Error',
    message: typeof source.message === 'string' ? source.message : String(error),
    ...(code === undefined ? {} : { code }),
  })
}

function assertKey(key: unknown, action: string): asserts key is string {
  if (typeof key !== 'string') throw new TypeError(invalid(action, 'key must be a string', key))
}

function duration(value: number | undefined, action: string, name: string): number {
  if (value === undefined) return 0
  assertDuration(value, action, name)
  return value
}
