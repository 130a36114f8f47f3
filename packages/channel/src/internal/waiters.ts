import { ClosedError } from '@bigbuff/core'
import {
  closedMessage,
  type Linked,
  type LinkQueue,
  unwatchAbort,
  type Waiter,
  watchAbort,
} from '@bigbuff/internal'

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

/** The `ClosedError` of a send (a `send()`, `trySend()` or select send case) on a closed channel. */
export const sendClosed = (): Error => new ClosedError(closedMessage('send', 'channel'))

/** The `ClosedError` of a receive on a closed and drained channel. */
export const receiveClosed = (): Error => new ClosedError(closedMessage('receive', 'channel'))

/** The `ClosedError` of a sender (or select send case) that was waiting when the channel closed. */
export const sendClosedWhileWaiting = (): Error => new ClosedError(closedMessage('send', 'channel', true))

/** The `ClosedError` of a receiver that was waiting when the channel closed. */
const receiveClosedWhileWaiting = (): Error => new ClosedError(closedMessage('receive', 'channel', true))

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

/*
 * PendingReceive and PendingSend are the waiters of every hand-over that cannot complete at once,
 * one per parked send or receive. They are Waiters (parked in the channel's LinkQueue, registered
 * with their signal through watchAbort), but implement Waiter instead of extending it: V8 does not
 * inline a super() call into a derived constructor, and that call cost unbuffered hand-overs 10-25%
 * of their time (ping-pong 0.75x, same-process A/B). `implements Waiter` makes the compiler check
 * that they carry every field of the base.
 */

/** A waiting `receive()` (`iterate` false) or iterator `next()` (`iterate` true). */
export class PendingReceive<T> implements Waiter, ReceiveWaiter<T> {
  // Waiter's fields, declared here rather than inherited (see the note above).
  prev: Linked | undefined = undefined
  next: Linked | undefined = undefined
  linked = false
  watch: Waiter['watch'] = undefined
  watchPrev: Waiter | undefined = undefined
  watchNext: Waiter | undefined = undefined
  readonly #queue: LinkQueue<ReceiveWaiter<T>>
  readonly #resolve: (value: never) => void
  readonly #reject: (reason: unknown) => void
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
    this.#iterate = iterate
    queue.push(this)
    watchAbort(this, signal)
  }

  deliver(value: T | undefined, ok: boolean): void {
    unwatchAbort(this)
    const resolve = this.#resolve as (value: unknown) => void
    if (this.#iterate) resolve(ok ? { value, done: false } : DONE)
    else if (ok) resolve(value)
    else this.#reject(receiveClosedWhileWaiting())
  }

  /** The signal aborted: leave the queue without taking anything. */
  aborted(reason: unknown): void {
    this.#queue.remove(this)
    this.#reject(reason)
  }
}

/** A waiting `send()`. */
export class PendingSend<T> implements Waiter, SendWaiter<T> {
  // Waiter's fields, declared here rather than inherited (see the note above).
  prev: Linked | undefined = undefined
  next: Linked | undefined = undefined
  linked = false
  watch: Waiter['watch'] = undefined
  watchPrev: Waiter | undefined = undefined
  watchNext: Waiter | undefined = undefined
  readonly value: T
  readonly #queue: LinkQueue<SendWaiter<T>>
  readonly #resolve: () => void
  readonly #reject: (reason: unknown) => void

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
    queue.push(this)
    watchAbort(this, signal)
  }

  settle(ok: boolean): void {
    unwatchAbort(this)
    if (ok) this.#resolve()
    else this.#reject(sendClosedWhileWaiting())
  }

  /** The signal aborted: leave the queue; nothing was sent. */
  aborted(reason: unknown): void {
    this.#queue.remove(this)
    this.#reject(reason)
  }
}
