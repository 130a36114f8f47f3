import { ClosedError, type SignalOptions } from '@bigbuff/core'
import { closedMessage, refuse } from '@bigbuff/internal'
import { Topic } from './internal/topic.js'
import type { Subscription } from './subscription.js'

const publishClosed = (): Error => new ClosedError(closedMessage('publish', 'pub-sub'))

/**
 * Fan-out without a backlog: every value published goes to every subscription that exists at that
 * moment (Go's `ChanCaster` and `ChanPubSub`).
 *
 * - `publish` resolves, with the number of subscriptions that took the value, once each one present
 *   when it was called has taken it (or buffered it, with `capacity` > 0) or ended: a slow
 *   subscriber holds publishers back (backpressure).
 * - A new subscription never sees values published before it.
 * - Each subscription receives values in publish order.
 * - `close()` is idempotent: each subscription delivers what it already buffered, then ends; a
 *   publish in flight resolves with the number delivered so far; later `publish` rejects and
 *   `subscribe` throws `ClosedError`.
 *
 * @typeParam T - the values published.
 * @example
 * ```ts
 * const pubsub = new PubSub<string>()
 * const subscription = pubsub.subscribe()
 * void pubsub.publish('hello') // resolves with 1 once taken
 * for await (const message of subscription) {
 *   console.log(message) // 'hello'
 *   break // ends the subscription
 * }
 * ```
 */
export class PubSub<T> implements Disposable {
  readonly #topic = new Topic<T>()
  #closed = false

  /** How many subscriptions are active. */
  get subscribers(): number {
    return this.#topic.size
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed
  }

  /**
   * Delivers a value to every current subscription.
   *
   * - Resolves once every subscription present at the call took the value (or buffered it) or ended.
   * - Abort means "stop waiting", not "undo": it rejects with `signal.reason` even when some
   *   subscriptions already took the value. Those keep it, the others never see it, and the
   *   rejection does not say how many got it.
   * @param value - any value, `undefined` included.
   * @param options - `signal` stops waiting for the subscriptions that have not taken the value yet.
   * @returns how many subscriptions took the value (0 when there are none).
   * @throws (rejects) ClosedError after `close()`; `signal.reason` on abort, whether or not the
   *   value already reached some subscriptions; TypeError for bad options.
   * @example
   * ```ts
   * const delivered = await pubsub.publish({ type: 'tick' }, { signal })
   * ```
   */
  publish(value: T, options?: SignalOptions): Promise<number> {
    const refused = refuse(options, 'publish', this.#closed ? publishClosed : undefined)
    if (refused !== undefined) return refused
    return this.#topic.publish(value, options?.signal)
  }

  /**
   * Subscribes to values published from now on.
   * @param options - `capacity` (default 0): how many values the subscription buffers, so
   *   publishers need not wait for it; a non-negative integer or `Infinity`. `signal` ends the
   *   subscription when it aborts; already aborted gives an ended subscription.
   * @returns the subscription, an async iterator.
   * @throws ClosedError after `close()`; TypeError or RangeError for bad options.
   * @example
   * ```ts
   * for await (const value of pubsub.subscribe({ capacity: 8, signal })) handle(value)
   * ```
   */
  subscribe(options?: SignalOptions & { readonly capacity?: number | undefined }): Subscription<T> {
    const { signal, capacity } = Topic.parseOptions(options)
    if (this.#closed) throw new ClosedError(closedMessage('subscribe', 'pub-sub'))
    return this.#topic.subscribe(capacity, signal)
  }

  /**
   * Closes the pub-sub; idempotent. Subscriptions deliver what they buffered, then end.
   * @example
   * ```ts
   * pubsub.close()
   * ```
   */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#topic.close()
  }

  /** Closes the pub-sub, so `using` works. */
  [Symbol.dispose](): void {
    this.close()
  }
}
