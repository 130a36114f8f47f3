import type { SignalOptions } from '@bigbuff/core'
import { assertCapacity, LinkQueue, pause, RingQueue, refuse, resolveSoon } from '@bigbuff/internal'
import { chanAccess, registerChanAccess } from './internal/chan-access.js'
import {
  DONE,
  type ReceiveWaiter,
  receiveClosed,
  type SendWaiter,
  sendClosed,
  waitToReceive,
  waitToSend,
} from './internal/waiters.js'

/**
 * What {@link Chan.tryReceive} found: a value, nothing yet, or a closed and drained channel. A
 * discriminated union because `undefined` is a legal value.
 */
export type ReceiveResult<T> =
  | {
      /** A value was received. */
      readonly state: 'ok'
      /** The value received; may be anything, `undefined` included. */
      readonly value: T
    }
  | {
      /** Nothing was ready: the channel is open, but receiving would wait. */
      readonly state: 'empty'
    }
  | {
      /** The channel is closed and drained: nothing will ever be received. */
      readonly state: 'closed'
    }

const EMPTY: ReceiveResult<never> = Object.freeze({ state: 'empty' })
const CLOSED: ReceiveResult<never> = Object.freeze({ state: 'closed' })
const RESOLVED: Promise<void> = Promise.resolve()
const RESOLVED_DONE: Promise<IteratorReturnResult<undefined>> = Promise.resolve(DONE)

/**
 * A Go channel: a FIFO hand-over point between senders and receivers, unbuffered, buffered or
 * unbounded.
 *
 * - Capacity 0 (the default): `send` resolves once a receiver took the value. Capacity n: once the
 *   value is in the buffer. `Infinity`: the buffer never fills, so `send` never waits.
 * - Values leave in the order they were sent; waiting senders and receivers are served in arrival
 *   order.
 * - `close()` is idempotent. After it, waiting and new senders reject `ClosedError`; receivers drain
 *   the buffer first, then reject `ClosedError`; `tryReceive()` gives `{ state: 'closed' }`; async
 *   iteration ends.
 * - A waiting `send` or `receive` aborted through its signal rejects with `signal.reason` and moves
 *   nothing.
 * - Anti-starvation: after about 4 ms or 131,072 operations of uninterrupted channel traffic, the next
 *   operation that would settle at once settles after one macrotask turn instead, so timers and I/O
 *   still run between a sender and a receiver that never otherwise yield.
 *
 * @typeParam T - the values carried; anything, `undefined` included.
 * @example
 * ```ts
 * const chan = new Chan<number>()
 * void (async () => {
 *   for (let i = 0; i < 3; i++) await chan.send(i)
 *   chan.close()
 * })()
 * for await (const value of chan) console.log(value) // 0, 1, 2
 * ```
 */
export class Chan<T> implements AsyncIterable<T>, Disposable {
  readonly #capacity: number
  readonly #buffer: RingQueue<T> | undefined
  readonly #senders = new LinkQueue<SendWaiter<T>>()
  readonly #receivers = new LinkQueue<ReceiveWaiter<T>>()
  #closed = false

  /**
   * @param capacity - how many values the buffer holds: 0 (default) for an unbuffered channel, a
   *   positive integer, or `Infinity` for an unbounded one.
   * @throws TypeError when `capacity` is not a number; RangeError when it is negative, fractional
   *   or NaN.
   */
  constructor(capacity = 0) {
    assertCapacity(capacity, 'create channel', 'capacity')
    this.#capacity = capacity
    this.#buffer = capacity > 0 ? new RingQueue<T>() : undefined
  }

  /** How many values the buffer holds at most: 0 for unbuffered, `Infinity` for unbounded. */
  get capacity(): number {
    return this.#capacity
  }

  /** How many values are in the buffer now (Go's `len(ch)`); always 0 for an unbuffered channel. */
  get size(): number {
    return this.#buffer === undefined ? 0 : this.#buffer.length
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed
  }

  /**
   * Sends a value, waiting for a receiver (unbuffered) or for room in the buffer.
   *
   * - Waiting senders are served in arrival order.
   * @param value - any value, `undefined` included.
   * @param options - `signal` aborts the wait; the value is then not sent.
   * @returns a promise that resolves once a receiver took the value or it is in the buffer.
   * @throws (rejects) ClosedError when the channel is or becomes closed before the value went out;
   *   `signal.reason` on abort; TypeError for bad options.
   * @example
   * ```ts
   * await chan.send('job', { signal: AbortSignal.timeout(1000) })
   * ```
   */
  send(value: T, options?: SignalOptions): Promise<void> {
    // The common case (no options, open) skips the preamble: the hot path of every hand-over.
    if (options !== undefined || this.#closed) {
      const refused = refuse(options, 'send', this.#closed ? sendClosed : undefined)
      if (refused !== undefined) return refused
    }
    if (this.#sendReady()) {
      this.#sendNow(value)
      return pause() ?? RESOLVED
    }
    return waitToSend(this.#senders, value, options?.signal)
  }

  /**
   * Sends a value only if that needs no wait: a receiver is waiting or the buffer has room.
   * @param value - any value, `undefined` included.
   * @returns true when the value went out, false when `send` would have waited.
   * @throws ClosedError when the channel is closed.
   * @example
   * ```ts
   * if (!chan.trySend(event)) dropped++
   * ```
   */
  trySend(value: T): boolean {
    if (this.#closed) throw sendClosed()
    if (!this.#sendReady()) return false
    this.#sendNow(value)
    return true
  }

  /**
   * Receives the next value, waiting for one if needed.
   *
   * - Buffered values come first, in order; then waiting senders, in arrival order.
   * - Waiting receivers are served in arrival order.
   * @param options - `signal` aborts the wait; nothing is taken then.
   * @returns the value.
   * @throws (rejects) ClosedError once the channel is closed and drained; `signal.reason` on abort;
   *   TypeError for bad options.
   * @example
   * ```ts
   * const job = await chan.receive({ signal })
   * ```
   */
  receive(options?: SignalOptions): Promise<T> {
    const hasValue = this.#hasValue()
    if (options !== undefined || this.#closed) {
      const refused = refuse(options, 'receive', this.#closed && !hasValue ? receiveClosed : undefined)
      if (refused !== undefined) return refused
    }
    if (hasValue) return resolveSoon(this.#receiveNow())
    return waitToReceive<T, T>(this.#receivers, options?.signal, false)
  }

  /**
   * Receives a value only if one is ready now.
   * @returns `{ state: 'ok', value }`, `{ state: 'empty' }` when `receive` would wait, or
   *   `{ state: 'closed' }` when the channel is closed and drained.
   * @example
   * ```ts
   * const result = chan.tryReceive()
   * if (result.state === 'ok') handle(result.value)
   * ```
   */
  tryReceive(): ReceiveResult<T> {
    if (this.#hasValue()) return { state: 'ok', value: this.#receiveNow() }
    return this.#closed ? CLOSED : EMPTY
  }

  /**
   * Closes the channel; idempotent (Go panics on a second close).
   *
   * - Waiting receivers (the buffer is empty if any wait) end: `receive` rejects `ClosedError`,
   *   iteration ends, a select receive case is chosen with `ok: false`.
   * - Waiting senders reject `ClosedError`; their values were not sent.
   * - Buffered values stay available to receivers.
   * @example
   * ```ts
   * chan.close()
   * ```
   */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    for (const receiver of this.#receivers.drain()) receiver.deliver(undefined, false)
    for (const sender of this.#senders.drain()) sender.settle(false)
  }

  /** Closes the channel, so `using chan = new Chan()` closes it at the end of the scope. */
  [Symbol.dispose](): void {
    this.close()
  }

  /**
   * Iterates over received values until the channel is closed and drained (Go's `range ch`).
   * Leaving the loop early does not close the channel.
   * @returns an async iterator; several may run at once, each value goes to one of them.
   * @example
   * ```ts
   * chan.close() // once the senders are done
   * for await (const value of chan) console.log(value) // the buffered values, then the loop ends
   * ```
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return new ChanIterator(this)
  }

  #sendReady(): boolean {
    const buffer = this.#buffer
    return this.#receivers.length > 0 || (buffer !== undefined && buffer.length < this.#capacity)
  }

  #hasValue(): boolean {
    const buffer = this.#buffer
    return (buffer !== undefined && buffer.length > 0) || this.#senders.length > 0
  }

  /** Precondition: open and `#sendReady()`. */
  #sendNow(value: T): void {
    const receiver = this.#receivers.shift()
    if (receiver !== undefined) receiver.deliver(value, true)
    else (this.#buffer as RingQueue<T>).push(value)
  }

  /** Precondition: `#hasValue()`. */
  #receiveNow(): T {
    const buffer = this.#buffer
    if (buffer !== undefined && buffer.length > 0) {
      const value = buffer.shift() as T
      const sender = this.#senders.shift()
      if (sender !== undefined) {
        buffer.push(sender.value)
        sender.settle(true)
      }
      return value
    }
    const sender = this.#senders.shift() as SendWaiter<T>
    sender.settle(true)
    return sender.value
  }

  #next(): Promise<IteratorResult<T, undefined>> {
    if (this.#hasValue())
      return resolveSoon<IteratorResult<T, undefined>>({ value: this.#receiveNow(), done: false })
    if (this.#closed) return RESOLVED_DONE
    return waitToReceive<IteratorResult<T, undefined>, T>(this.#receivers, undefined, true)
  }

  static {
    registerChanAccess(Chan.prototype, {
      canSend: (chan) => chan.#closed || chan.#sendReady(),
      canReceive: (chan) => chan.#closed || chan.#hasValue(),
      hasValue: (chan) => chan.#hasValue(),
      offer: (chan, value) => {
        if (chan.#closed || !chan.#sendReady()) return false
        chan.#sendNow(value)
        return true
      },
      sendNow: (chan, value) => chan.#sendNow(value),
      receiveNow: (chan) => chan.#receiveNow(),
      parkSender: (chan, waiter) => chan.#senders.push(waiter),
      parkReceiver: (chan, waiter) => chan.#receivers.push(waiter),
      unparkSender: (chan, waiter) => chan.#senders.remove(waiter),
      unparkReceiver: (chan, waiter) => chan.#receivers.remove(waiter),
      next: (chan) => chan.#next(),
      discard: (chan) => {
        chan.close()
        chan.#buffer?.clear()
      },
    })
  }
}

/** One `for await` over a channel; `return()` ends this iterator only, not the channel. */
class ChanIterator<T> implements AsyncIterableIterator<T> {
  readonly #chan: Chan<T>
  #finished = false

  constructor(chan: Chan<T>) {
    this.#chan = chan
  }

  next(): Promise<IteratorResult<T, undefined>> {
    return this.#finished ? RESOLVED_DONE : chanAccess(this.#chan).next(this.#chan)
  }

  return(): Promise<IteratorResult<T, undefined>> {
    this.#finished = true
    return RESOLVED_DONE
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this
  }
}
