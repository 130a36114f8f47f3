/**
 * Turns values into the text stored in a Redis stream entry and back.
 *
 * - `encode` must return a string; it may throw to refuse a value (the `put` then rejects with
 *   that error and appends nothing).
 * - `decode` receives exactly what `encode` returned, possibly in another process.
 */
export interface Codec<T> {
  /** Renders `value` as text. */
  encode(value: T): string
  /** Rebuilds a value from text produced by `encode`. */
  decode(text: string): T
}

/** How a {@link RedisStream} reaches and shapes its stream. */
export interface RedisStreamOptions<T> {
  /** The stream's key. Every process that opens the same key on the same Redis shares the stream. */
  readonly stream: string
  /** Where Redis is: `redis[s]://[[user][:password]@][host][:port][/db]`. Default `redis://127.0.0.1:6379`. */
  readonly url?: string | undefined
  /** How values are stored. Default: JSON (`undefined` is not representable and is rejected). */
  readonly codec?: Codec<T> | undefined
  /**
   * Approximate cap on the number of entries (`XADD … MAXLEN ~`), like `fixedBufferCleaner`:
   * entries beyond it are dropped from the front whether or not every consumer has read them.
   * A positive integer; default: no cap.
   */
  readonly maxLength?: number | undefined
  /**
   * Milliseconds between automatic retention passes (see `trim()`); default 1000; 0 turns the
   * automatic pass off.
   */
  readonly trimInterval?: number | undefined
}

/** Where a consumer starts and who it is within its name. */
export interface RedisConsumerOptions {
  /**
   * Where a name that Redis has never seen starts: `'oldest'` (default) at the oldest retained entry,
   * `'latest'` after the newest one. A name that already exists continues where it stands.
   */
  readonly start?: 'oldest' | 'latest' | undefined
  /**
   * This reader's id within the name (the Redis consumer). Reopening with the same id delivers what
   * that id had read but not committed first. Default: a random UUID.
   */
  readonly instance?: string | undefined
  /**
   * Milliseconds an entry must sit unacknowledged at another instance before this one claims it
   * (`XAUTOCLAIM`). Must exceed the longest time between `get()` and `commit()`. Default 30000.
   */
  readonly claimIdle?: number | undefined
}
