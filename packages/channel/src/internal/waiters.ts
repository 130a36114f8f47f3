import { ClosedError } from '@bigbuff/core'
import type { WaiterNode, WaiterQueue } from '@bigbuff/internal'

/** A party parked in a channel's receive queue: a `receive()`, an iterator's `next()` or a select case. */
export interface ReceiveWaiter<T> {
  /** Hands over `value` (`ok` true) or reports that the channel closed (`ok` false). */
  deliver(value: T | undefined, ok: boolean): void
}

/** A party parked in a channel's send queue: a `send()`, a select case or a publish. */
export interface SendWaiter<T> {
  readonly value: T
  /** The value was taken (`ok` true) or the channel closed first (`ok` false). */
  settle(ok: boolean): void
}

/** The result of an iteration that has ended. */
export const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true })

/** Options for `addEventListener`, shared so parking a waiter allocates no options object. */
export const ONCE: AddEventListenerOptions = Object.freeze({ once: true })

/** The message of the `ClosedError` a sender gets. */
export const SEND_CLOSED = 'Cannot send: channel closed'

/** A waiting `receive()` (`iterate` false) or iterator `next()` (`iterate` true). */
export class PendingReceive<T> implements ReceiveWaiter<T> {
  readonly #queue: WaiterQueue<ReceiveWaiter<T>>
  readonly #node: WaiterNode<ReceiveWaiter<T>>
  readonly #resolve: (value: never) => void
  readonly #reject: (reason: unknown) => void
  readonly #signal: AbortSignal | undefined
  readonly #iterate: boolean

  constructor(
    queue: WaiterQueue<ReceiveWaiter<T>>,
    resolve: (value: never) => void,
    reject: (reason: unknown) => void,
    signal: AbortSignal | undefined,
    iterate: boolean,
  ) {
    this.#queue = queue
    this.#resolve = resolve
    this.#reject = reject
    this.#signal = signal
    this.#iterate = iterate
    this.#node = queue.push(this)
    signal?.addEventListener('abort', this, ONCE)
  }

  deliver(value: T | undefined, ok: boolean): void {
    this.#signal?.removeEventListener('abort', this)
    const resolve = this.#resolve as (value: unknown) => void
    if (this.#iterate) resolve(ok ? { value, done: false } : DONE)
    else if (ok) resolve(value)
    else this.#reject(new ClosedError('Cannot receive: channel closed'))
  }

  /** The signal aborted: leave the queue without taking anything. */
  handleEvent(): void {
    this.#queue.remove(this.#node)
    this.#reject((this.#signal as AbortSignal).reason)
  }
}

/** A waiting `send()`. */
export class PendingSend<T> implements SendWaiter<T> {
  readonly value: T
  readonly #queue: WaiterQueue<SendWaiter<T>>
  readonly #node: WaiterNode<SendWaiter<T>>
  readonly #resolve: () => void
  readonly #reject: (reason: unknown) => void
  readonly #signal: AbortSignal | undefined

  constructor(
    queue: WaiterQueue<SendWaiter<T>>,
    value: T,
    resolve: () => void,
    reject: (reason: unknown) => void,
    signal: AbortSignal | undefined,
  ) {
    this.value = value
    this.#queue = queue
    this.#resolve = resolve
    this.#reject = reject
    this.#signal = signal
    this.#node = queue.push(this)
    signal?.addEventListener('abort', this, ONCE)
  }

  settle(ok: boolean): void {
    this.#signal?.removeEventListener('abort', this)
    if (ok) this.#resolve()
    else this.#reject(new ClosedError(SEND_CLOSED))
  }

  /** The signal aborted: leave the queue; the value was not sent. */
  handleEvent(): void {
    this.#queue.remove(this.#node)
    this.#reject((this.#signal as AbortSignal).reason)
  }
}
