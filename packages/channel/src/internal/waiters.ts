import { ClosedError } from '@bigbuff/core'
import type { Linked, LinkQueue } from './link-queue.js'

/** A party parked in a channel's receive queue: a `receive()`, an iterator's `next()` or a select case. */
export interface ReceiveWaiter<T> extends Linked {
  /** Hands over `value` (`ok` true) or reports that the channel closed (`ok` false). */
  deliver(value: T | undefined, ok: boolean): void
}

/** A party parked in a channel's send queue: a `send()`, a select case or a publish. */
export interface SendWaiter<T> extends Linked {
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

/**
 * Parks a receiver and returns its promise. A function of its own so that callers' fast paths
 * allocate no closure context.
 */
export function waitToReceive<R, T>(
  queue: LinkQueue<ReceiveWaiter<T>>,
  signal: AbortSignal | undefined,
  iterate: boolean,
): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    new PendingReceive<T>(queue, resolve, reject, signal, iterate)
  })
}

/** Parks a sender and returns its promise; see {@link waitToReceive}. */
export function waitToSend<T>(
  queue: LinkQueue<SendWaiter<T>>,
  value: T,
  signal: AbortSignal | undefined,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    new PendingSend(queue, value, resolve, reject, signal)
  })
}

/** A waiting `receive()` (`iterate` false) or iterator `next()` (`iterate` true). */
export class PendingReceive<T> implements ReceiveWaiter<T> {
  prev: Linked | undefined = undefined
  next: Linked | undefined = undefined
  linked = false
  readonly #queue: LinkQueue<ReceiveWaiter<T>>
  readonly #resolve: (value: never) => void
  readonly #reject: (reason: unknown) => void
  readonly #signal: AbortSignal | undefined
  readonly #iterate: boolean

  constructor(
    queue: LinkQueue<ReceiveWaiter<T>>,
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
    queue.push(this)
    signal?.addEventListener('abort', this, ONCE)
  }

  deliver(value: T | undefined, ok: boolean): void {
    this.#signal?.removeEventListener('abort', this)
    const resolve = this.#resolve as (value: unknown) => void
    if (this.#iterate) resolve(ok ? { value, done: false } : DONE)
    else if (ok) resolve(value)
    else this.#reject(new ClosedError('Cannot receive: channel closed'))
  }

  /** The signal aborted (the listener is gone once settled): leave the queue without taking anything. */
  handleEvent(): void {
    this.#queue.remove(this)
    this.#reject((this.#signal as AbortSignal).reason)
  }
}

/** A waiting `send()`. */
export class PendingSend<T> implements SendWaiter<T> {
  prev: Linked | undefined = undefined
  next: Linked | undefined = undefined
  linked = false
  readonly value: T
  readonly #queue: LinkQueue<SendWaiter<T>>
  readonly #resolve: () => void
  readonly #reject: (reason: unknown) => void
  readonly #signal: AbortSignal | undefined

  constructor(
    queue: LinkQueue<SendWaiter<T>>,
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
    queue.push(this)
    signal?.addEventListener('abort', this, ONCE)
  }

  settle(ok: boolean): void {
    this.#signal?.removeEventListener('abort', this)
    if (ok) this.#resolve()
    else this.#reject(new ClosedError(SEND_CLOSED))
  }

  /** The signal aborted (the listener is gone once settled): leave the queue; nothing was sent. */
  handleEvent(): void {
    this.#queue.remove(this)
    this.#reject((this.#signal as AbortSignal).reason)
  }
}
