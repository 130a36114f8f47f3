import type { SignalOptions } from '@bigbuff/core'
import { refuse } from '@bigbuff/internal'
import { Topic } from './internal/topic.js'
import type { Subscription } from './subscription.js'

/**
 * Keyed fan-out (Go's `Notifier`): a {@link PubSub} per key, created on the first subscription and
 * dropped with the last.
 *
 * - Keys are compared like `Map` keys (SameValueZero): objects by identity.
 * - `publish(key, value)` delivers to the subscriptions of `key` present when it is called and
 *   resolves, with the number that took it, once each has taken it (or buffered it) or ended.
 * - There is no `close()`: subscriptions end on `unsubscribe()`, dispose, `return()` or their
 *   signal.
 *
 * @typeParam K - the keys.
 * @typeParam T - the values published.
 * @example
 * ```ts
 * const notifier = new Notifier<string, Order>()
 * const subscription = notifier.subscribe('eu')
 * await notifier.publish('us', order) // 0: nobody listens to 'us'
 * ```
 */
export class Notifier<K, T> {
  readonly #topics = new Map<K, Topic<T>>()

  /**
   * Delivers a value to every current subscription of `key`.
   * @param key - the key.
   * @param value - any value, `undefined` included.
   * @param options - `signal` stops waiting: abort rejects even when some subscriptions already
   *   took the value (they keep it; the others never see it), as for `PubSub.publish`.
   * @returns how many subscriptions took the value (0 when `key` has none).
   * @throws (rejects) `signal.reason` on abort, whether or not the value already reached some
   *   subscriptions; TypeError for bad options.
   * @example
   * ```ts
   * await notifier.publish('eu', order, { signal })
   * ```
   */
  publish(key: K, value: T, options?: SignalOptions): Promise<number> {
    const refused = refuse(options, 'publish')
    if (refused !== undefined) return refused
    const topic = this.#topics.get(key)
    return topic === undefined ? Promise.resolve(0) : topic.publish(value, options?.signal)
  }

  /**
   * Subscribes to values published to `key` from now on.
   * @param key - the key.
   * @param options - `capacity` (default 0) as for `PubSub.subscribe`; `signal` ends the
   *   subscription when it aborts.
   * @returns the subscription, an async iterator.
   * @throws TypeError or RangeError for bad options.
   * @example
   * ```ts
   * using subscription = notifier.subscribe('eu', { capacity: 4 })
   * ```
   */
  subscribe(key: K, options?: SignalOptions & { readonly capacity?: number | undefined }): Subscription<T> {
    const { signal, capacity } = Topic.parseOptions(options)
    let topic = this.#topics.get(key)
    if (topic === undefined) {
      // The map holds a topic from its first subscription until its last leaves.
      topic = new Topic<T>(() => this.#topics.delete(key))
    }
    const subscription = topic.subscribe(capacity, signal)
    if (topic.size > 0) this.#topics.set(key, topic)
    return subscription
  }

  /**
   * How many subscriptions `key` has.
   * @param key - the key.
   * @returns the count; 0 for an unknown key.
   * @example
   * ```ts
   * if (notifier.subscribers('eu') === 0) console.log('nobody listens')
   * ```
   */
  subscribers(key: K): number {
    return this.#topics.get(key)?.size ?? 0
  }
}
