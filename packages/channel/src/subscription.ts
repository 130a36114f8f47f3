/**
 * One subscriber's view of a {@link PubSub} or {@link Notifier}: an async iterator over the values
 * published after it subscribed.
 *
 * - It ends (its iterator completes) on `unsubscribe()`, `[Symbol.dispose]`, `return()` (a `break`
 *   out of `for await`), its signal aborting, or `close()` of the pub-sub.
 * - `unsubscribe()` drops what it buffered; `close()` of the pub-sub lets it deliver that first,
 *   unless its signal aborts meanwhile, which drops the rest as `unsubscribe()` does.
 * - `next()` never rejects.
 *
 * @typeParam T - the values published.
 * @example
 * ```ts
 * using subscription = pubsub.subscribe({ capacity: 16 })
 * for await (const value of subscription) console.log(value)
 * ```
 */
export interface Subscription<T> extends AsyncIterableIterator<T>, Disposable {
  /** Ends the subscription and drops what it buffered; idempotent. Publishers stop waiting for it. */
  unsubscribe(): void
}
