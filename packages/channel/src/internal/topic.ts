import {
  assertCapacity,
  assertOptions,
  resolveSoon,
  signalOf,
  unwatchAbort,
  Waiter,
  watchAbort,
} from '@bigbuff/internal'
import { Chan } from '../chan.js'
import type { Subscription } from '../subscription.js'
import { chanAccess } from './chan-access.js'
import { PublishOp } from './publish-op.js'
import { DONE } from './waiters.js'

/** What `subscribe()` accepts. */
export interface SubscribeOptions {
  readonly signal?: AbortSignal | undefined
  readonly capacity?: number | undefined
}

const RESOLVED_DONE: Promise<IteratorReturnResult<undefined>> = Promise.resolve(DONE)

/**
 * The subscriptions of one pub-sub (or one notifier key) and publishing to them. Each subscription
 * is a channel of its capacity; a publish offers the value to each and parks on those that cannot
 * take it yet.
 */
export class Topic<T> {
  /** Unordered; a leaving subscription swaps in the last one, so removal is O(1). */
  readonly #subscriptions: TopicSubscription<T>[] = []
  readonly #onEmpty: (() => void) | undefined

  /** @param onEmpty - called when the last subscription leaves. */
  constructor(onEmpty?: () => void) {
    this.#onEmpty = onEmpty
  }

  get size(): number {
    return this.#subscriptions.length
  }

  /** Validates the options of `subscribe()`; throws on bad input. */
  static parseOptions(options: unknown): { signal: AbortSignal | undefined; capacity: number } {
    assertOptions(options, 'subscribe')
    const signal = signalOf(options, 'subscribe')
    const given = (options as SubscribeOptions | undefined)?.capacity
    const capacity = given === undefined ? 0 : given
    assertCapacity(capacity, 'subscribe', 'capacity')
    return { signal, capacity }
  }

  /** Adds a subscription; an already aborted signal gives an ended one. */
  subscribe(capacity: number, signal: AbortSignal | undefined): Subscription<T> {
    const subscription = new TopicSubscription<T>(this, new Chan<T>(capacity), signal)
    if (signal?.aborted) {
      chanAccess(subscription.chan).discard(subscription.chan)
    } else {
      subscription.index = this.#subscriptions.push(subscription) - 1
      subscription.watch()
    }
    return subscription
  }

  /** Delivers to every current subscription; resolves with how many took the value. */
  publish(value: T, signal: AbortSignal | undefined): Promise<number> {
    const subscriptions = this.#subscriptions
    let delivered = 0
    let op: PublishOp<T> | undefined
    for (let i = 0; i < subscriptions.length; i++) {
      const chan = (subscriptions[i] as TopicSubscription<T>).chan
      if (chanAccess(chan).offer(chan, value)) delivered++
      else (op ??= new PublishOp(value, signal)).park(chan)
    }
    if (op !== undefined) return op.start(delivered)
    return resolveSoon(delivered)
  }

  /** Ends every subscription, letting each deliver what it buffered (its signal can still cut that short). */
  close(): void {
    const subscriptions = this.#subscriptions.splice(0)
    for (const subscription of subscriptions) subscription.end(false)
  }

  /** Precondition: `subscription` is in this topic. */
  remove(subscription: TopicSubscription<T>): void {
    const subscriptions = this.#subscriptions
    const last = subscriptions.pop() as TopicSubscription<T>
    if (last !== subscription) {
      subscriptions[subscription.index] = last
      last.index = subscription.index
    }
    if (subscriptions.length === 0) this.#onEmpty?.()
  }
}

/** A subscription: a channel of its capacity that publishes send to. */
class TopicSubscription<T> implements Subscription<T> {
  readonly chan: Chan<T>
  /** Position in the topic's list; -1 once ended. */
  index = -1
  readonly #topic: Topic<T>
  readonly #signal: AbortSignal | undefined
  /** Closed by the topic with values left to deliver: the signal still ends it until they are read. */
  #draining = false
  /** Registered with the signal while the subscription listens to it. */
  #watch: SubscriptionWatch | undefined

  constructor(topic: Topic<T>, chan: Chan<T>, signal: AbortSignal | undefined) {
    this.#topic = topic
    this.chan = chan
    this.#signal = signal
  }

  next(): Promise<IteratorResult<T, undefined>> {
    const access = chanAccess(this.chan)
    const result = access.next(this.chan)
    if (this.#draining && !access.hasValue(this.chan)) this.#stopListening()
    return result
  }

  return(): Promise<IteratorResult<T, undefined>> {
    this.unsubscribe()
    return RESOLVED_DONE
  }

  unsubscribe(): void {
    if (this.index >= 0) this.#topic.remove(this)
    this.end(true)
  }

  /**
   * Leaves the topic's list (the caller removed it) and ends; `discard` drops buffered values.
   * Without `discard` the buffered values stay to be read, and until they are the signal still
   * ends the subscription as `unsubscribe()` would.
   */
  end(discard: boolean): void {
    this.index = -1
    if (discard) chanAccess(this.chan).discard(this.chan)
    else this.chan.close()
    if (this.#signal !== undefined && !discard && chanAccess(this.chan).hasValue(this.chan))
      this.#draining = true
    else this.#stopListening()
  }

  /** Starts listening to the signal, if any. */
  watch(): void {
    if (this.#signal === undefined) return
    this.#watch = new SubscriptionWatch(this)
    watchAbort(this.#watch, this.#signal)
  }

  #stopListening(): void {
    this.#draining = false
    if (this.#watch !== undefined) unwatchAbort(this.#watch)
  }

  [Symbol.dispose](): void {
    this.unsubscribe()
  }

  [Symbol.asyncIterator](): this {
    return this
  }
}

/**
 * A subscription's registration with its signal: subscriptions sharing one signal add one listener
 * to it. Apart from the subscription because a waiter's link fields would shadow its `next()`.
 */
class SubscriptionWatch extends Waiter {
  readonly #subscription: TopicSubscription<unknown>

  constructor(subscription: TopicSubscription<unknown>) {
    super()
    this.#subscription = subscription
  }

  aborted(): void {
    this.#subscription.unsubscribe()
  }
}
