import {
  ClosedError,
  type Consumer,
  ConsumerBehindError,
  NothingToCommitError,
  NothingToRollbackError,
  type SignalOptions,
} from '@bigbuff/core'
import { deferred, signalOf, WaiterQueue } from '@bigbuff/internal'
import type { BufferState, RegisteredConsumer } from './internal/buffer-state.js'

interface Waiter<T> {
  readonly resolve: (value: T) => void
  readonly reject: (reason: unknown) => void
  readonly signal: AbortSignal | undefined
  onAbort: (() => void) | undefined
}

const RESOLVED: Promise<void> = Promise.resolve()

/**
 * A consumer of a BigBuffer, created by `BigBuffer.consumer()`: reads every retained value in
 * order from its own cursor, with commit and rollback. Not exported; users see `Consumer<T>`.
 */
export class BufferConsumer<T> implements Consumer<T>, RegisteredConsumer {
  readonly #state: BufferState<T>
  readonly #waiters = new WaiterQueue<Waiter<T>>()
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
    let signal: AbortSignal | undefined
    try {
      signal = signalOf(options, 'get from consumer')
    } catch (error) {
      return Promise.reject(error)
    }
    if (signal?.aborted) return Promise.reject(signal.reason)
    if (this.#closed) return Promise.reject(new ClosedError('Cannot get: the consumer is closed'))
    if (this.#waiters.length === 0 && this.#cursor < this.#state.log.end) {
      if (this.#cursor < this.#state.log.start) return Promise.reject(this.#behind())
      return Promise.resolve(this.#state.log.at(this.#cursor++))
    }
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = { resolve, reject, signal, onAbort: undefined }
      const node = this.#waiters.push(waiter)
      if (signal !== undefined) {
        // The listener is removed whenever the waiter is settled, so the node is still queued here.
        waiter.onAbort = () => {
          this.#waiters.remove(node)
          if (this.#waiters.length === 0) this.#state.watch(this, false)
          reject(signal.reason)
        }
        signal.addEventListener('abort', waiter.onAbort, { once: true })
      }
      if (this.#waiters.length === 1) this.#state.watch(this, true)
    })
  }

  commit(): Promise<void> {
    if (this.#finished) return Promise.reject(new ClosedError('Cannot commit: the consumer is closed'))
    if (this.#cursor === this.#committed) return Promise.reject(new NothingToCommitError())
    this.#committed = this.#cursor
    if (this.#closed) this.#finish()
    else this.#state.changed()
    return RESOLVED
  }

  rollback(): Promise<void> {
    if (this.#finished) return Promise.reject(new ClosedError('Cannot roll back: the consumer is closed'))
    if (this.#cursor === this.#committed) return Promise.reject(new NothingToRollbackError())
    this.#cursor = this.#committed
    if (this.#closed) this.#finish()
    else if (this.#waiters.length > 0) this.serve()
    return RESOLVED
  }

  close(): Promise<void> {
    if (this.#closed) return this.#done.promise
    this.#closed = true
    if (this.#waiters.length > 0) {
      this.#state.watch(this, false)
      const error = new ClosedError('Cannot get: the consumer was closed while waiting')
      for (const waiter of this.#waiters.drain()) settle(waiter).reject(error)
    }
    if (this.#cursor === this.#committed) this.#finish()
    return this.#done.promise
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  /** @internal Hands waiting `get()`s the values now available at the cursor, in order. */
  serve(): void {
    const log = this.#state.log
    while (this.#waiters.length > 0 && this.#cursor < log.end) {
      const waiter = settle(this.#waiters.shift() as Waiter<T>)
      if (this.#cursor < log.start) waiter.reject(this.#behind())
      else waiter.resolve(log.at(this.#cursor++))
    }
    if (this.#waiters.length === 0) this.#state.watch(this, false)
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

/** Removes the waiter's abort listener; returns the waiter to settle it. */
function settle<T>(waiter: Waiter<T>): Waiter<T> {
  if (waiter.onAbort !== undefined) waiter.signal?.removeEventListener('abort', waiter.onAbort)
  return waiter
}
