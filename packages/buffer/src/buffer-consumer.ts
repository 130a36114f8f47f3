import {
  ClosedError,
  type Consumer,
  ConsumerBehindError,
  NothingToCommitError,
  NothingToRollbackError,
  type SignalOptions,
} from '@bigbuff/core'
import {
  AT_HAND,
  type AtHand,
  closedMessage,
  deferred,
  LinkQueue,
  NOTHING_AT_HAND,
  refuse,
  unwatchAbort,
  Waiter,
  watchAbort,
} from '@bigbuff/internal'
import type { BufferState, RegisteredConsumer } from './internal/buffer-state.js'

const RESOLVED: Promise<void> = Promise.resolve()

/**
 * A consumer of a BigBuffer, created by `BigBuffer.consumer()`: reads every retained value in
 * order from its own cursor, with commit and rollback. Not exported; users see `Consumer<T>`.
 */
export class BufferConsumer<T> implements Consumer<T>, RegisteredConsumer, AtHand<T> {
  readonly #state: BufferState<T>
  readonly #waiters = new LinkQueue<GetWaiter<T>>()
  readonly #done = deferred<void>()
  /** Absolute offset of the next value `get()` returns. */
  #cursor: number
  /** Absolute offset of the last commit: everything before it is durable. */
  #committed: number
  #closed = false
  /** Closing has finished and the consumer left the buffer. */
  #finished = false

  /** @internal */
  constructor(state: BufferState<T>) {
    this.#state = state
    this.#cursor = this.#committed = state.log.start
    state.register(this)
  }

  /** The state of the buffer `value` is a consumer of, or `undefined` if it is no BigBuffer consumer. */
  static stateOf(value: unknown): BufferState<unknown> | undefined {
    return typeof value === 'object' && value !== null && #state in value
      ? (value as BufferConsumer<unknown>).#state
      : undefined
  }

  /** @internal */
  get committedOffset(): number {
    return this.#committed
  }

  /** @internal Absolute offset of the next value `get()` returns. */
  get cursor(): number {
    return this.#cursor
  }

  /** @internal Whether the consumer is still registered with its buffer (its close has not finished). */
  get open(): boolean {
    return !this.#finished
  }

  get pending(): number {
    return this.#cursor - this.#committed
  }

  get closed(): boolean {
    return this.#closed
  }

  get done(): Promise<void> {
    return this.#done.promise
  }

  get(options?: SignalOptions): Promise<T> {
    const refused = refuse(options, 'get from consumer', this.#closed ? closedGet : undefined)
    if (refused !== undefined) return refused
    if (this.#waiters.length === 0) {
      const log = this.#state.log
      if (this.#cursor < log.end) {
        if (this.#cursor < log.start) return Promise.reject(this.#behind())
        return Promise.resolve(log.at(this.#cursor++))
      }
      if (this.#state.ended) return Promise.reject(endedGet())
    }
    return new Promise<T>((resolve, reject) => {
      const waiter = new GetWaiter(this, resolve, reject)
      this.#waiters.push(waiter)
      watchAbort(waiter, options?.signal)
      if (this.#waiters.length === 1) this.#state.watch(this, true)
    })
  }

  commit(): Promise<void> {
    try {
      this.commitNow()
    } catch (error) {
      return Promise.reject(error)
    }
    return RESOLVED
  }

  rollback(): Promise<void> {
    if (this.#finished) return Promise.reject(new ClosedError(closedMessage('roll back', 'consumer')))
    if (this.#cursor === this.#committed) return Promise.reject(new NothingToRollbackError())
    this.#cursor = this.#committed
    if (this.#closed) this.#finish()
    else if (this.#waiters.length > 0) this.serve()
    return RESOLVED
  }

  close(): Promise<void> {
    if (this.#closed) return this.#done.promise
    this.#closed = true
    if (this.#waiters.length > 0) this.#rejectWaiters(new ClosedError(closedMessage('get', 'consumer', true)))
    if (this.#cursor === this.#committed) this.#finish()
    return this.#done.promise
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  /**
   * The synchronous reads of a range loop (`@bigbuff/consumer`): a value already at the cursor and
   * a commit, without a promise each.
   */
  get [AT_HAND](): AtHand<T> {
    return this
  }

  /** @internal Takes the value at the cursor when `get()` would resolve with it at once. */
  take(): T | typeof NOTHING_AT_HAND {
    const log = this.#state.log
    if (this.#closed || this.#waiters.length > 0 || this.#cursor >= log.end || this.#cursor < log.start)
      return NOTHING_AT_HAND
    return log.at(this.#cursor++)
  }

  /** @internal `commit()` done synchronously: throws what `commit()` rejects with. */
  commitNow(): void {
    if (this.#finished) throw new ClosedError(closedMessage('commit', 'consumer'))
    if (this.#cursor === this.#committed) throw new NothingToCommitError()
    this.#committed = this.#cursor
    if (this.#closed) this.#finish()
    else this.#state.committed(this)
  }

  /** @internal Hands waiting `get()`s the values now available at the cursor, in order. */
  serve(): void {
    const log = this.#state.log
    while (this.#waiters.length > 0 && this.#cursor < log.end) {
      const waiter = this.#waiters.shift() as GetWaiter<T>
      unwatchAbort(waiter)
      if (this.#cursor < log.start) waiter.reject(this.#behind())
      else waiter.resolve(log.at(this.#cursor++))
    }
    if (this.#waiters.length === 0) this.#state.watch(this, false)
    else if (this.#state.ended) this.#rejectWaiters(endedGet())
  }

  /** @internal A waiting `get()` whose signal aborted leaves the queue. */
  leave(waiter: GetWaiter<T>): void {
    if (this.#waiters.remove(waiter) && this.#waiters.length === 0) this.#state.watch(this, false)
  }

  #rejectWaiters(error: ClosedError): void {
    this.#state.watch(this, false)
    for (const waiter of this.#waiters.drain()) {
      unwatchAbort(waiter)
      waiter.reject(error)
    }
  }

  #behind(): ConsumerBehindError {
    return new ConsumerBehindError({ offset: this.#cursor, behind: this.#state.log.start - this.#cursor })
  }

  #finish(): void {
    this.#finished = true
    this.#state.deregister(this)
    this.#done.resolve()
  }
}

/** A `get()` waiting for a value; one abort listener per signal, shared with every other waiter. */
class GetWaiter<T> extends Waiter {
  readonly #consumer: BufferConsumer<T>
  readonly resolve: (value: T) => void
  readonly reject: (reason: unknown) => void

  constructor(consumer: BufferConsumer<T>, resolve: (value: T) => void, reject: (reason: unknown) => void) {
    super()
    this.#consumer = consumer
    this.resolve = resolve
    this.reject = reject
  }

  aborted(reason: unknown): void {
    this.#consumer.leave(this)
    this.reject(reason)
  }
}

function closedGet(): ClosedError {
  return new ClosedError(closedMessage('get', 'consumer'))
}

function endedGet(): ClosedError {
  return new ClosedError('Cannot get: the buffer has ended and every value was read')
}
