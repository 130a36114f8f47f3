import { ClosedError, type Consumer, type Producer, type SignalOptions } from '@bigbuff/core'
import {
  assertDuration,
  assertIterable,
  assertOptions,
  assertPositiveInteger,
  closedMessage,
  invalid,
  noop,
  refuse,
  unrefTimer,
} from '@bigbuff/internal'
import { RedisClient } from '@redis/client'
import { assertCodec, encodeWith, jsonCodec } from './codec.js'
import { Connection } from './connection.js'
import { Closable } from './internal/closable.js'
import { RedisStreamConsumer } from './redis-consumer.js'
import { TRIM } from './scripts.js'
import type { Codec, RedisConsumerOptions, RedisStreamOptions } from './types.js'

const DEFAULT_URL = 'redis://127.0.0.1:6379'
const DEFAULT_TRIM_INTERVAL = 1000
const DEFAULT_CLAIM_IDLE = 30_000
const closedPut = (): Error => new ClosedError(closedMessage('put', 'stream'))

/**
 * The `Producer`/`Consumer` contract of `BigBuffer`, durable and shared between processes: one Redis
 * stream, read by named consumers (Redis consumer groups).
 *
 * - `put` is `XADD`; `putAll` appends all values atomically and in order (`MULTI`/`EXEC`).
 * - Every consumer name reads every value (fan-out); the instances of one name share its values,
 *   each value going to one of them, each instance reading in order (scale-out).
 * - Nothing is lost across crashes: values read but not committed stay pending in Redis, are delivered
 *   first when the same instance id reopens, and are claimed by another instance after `claimIdle`.
 * - `trim()` (also every `trimInterval` ms) deletes what every name has acknowledged; `maxLength`
 *   caps the stream whatever was read, and a name that loses unread values gets `ConsumerBehindError`.
 * - When Redis is unreachable or the connection drops, the operation rejects with the client's error:
 *   no hang, no silent retry; the next operation reconnects.
 *
 * @example
 * ```ts
 * const url = process.env.REDIS_URL ?? 'redis://localhost:6379'
 * const stream = new RedisStream<{ id: number }>({ stream: 'orders', url })
 * await stream.putAll([{ id: 1 }, { id: 2 }])
 * const consumer = stream.consumer('billing')
 * const order = await consumer.get()
 * await consumer.commit()
 * await stream.close()
 * ```
 */
export class RedisStream<T> extends Closable implements Producer<T> {
  readonly #key: string
  readonly #url: string
  readonly #codec: Codec<T>
  readonly #maxLength: string | undefined
  readonly #shared: Connection
  readonly #consumers = new Set<Consumer<T>>()
  readonly #timer: ReturnType<typeof setInterval> | undefined
  #trimming = false

  /**
   * Describes the stream; connects to Redis on first use, not here.
   * @param options - the stream's key and, optionally, `url`, `codec`, `maxLength`, `trimInterval`.
   * @throws `TypeError` for a missing or empty `stream`, a `url` that is not a `redis:`/`rediss:`
   *   URL, a `codec` without `encode`/`decode`; `TypeError`/`RangeError` for a `maxLength` that is
   *   not a positive integer or a negative or non-finite `trimInterval`.
   */
  constructor(options: RedisStreamOptions<T>) {
    super()
    const action = 'create RedisStream'
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(invalid(action, 'options must be an object', options))
    }
    const { stream, url = DEFAULT_URL, codec = jsonCodec as Codec<T>, maxLength, trimInterval } = options
    if (typeof stream !== 'string' || stream === '') {
      throw new TypeError(invalid(action, 'stream must be a non-empty string', stream))
    }
    assertUrl(url, action)
    assertCodec(codec, action)
    if (maxLength !== undefined) assertPositiveInteger(maxLength, action, 'maxLength')
    const interval = trimInterval ?? DEFAULT_TRIM_INTERVAL
    assertDuration(interval, action, 'trimInterval')
    this.#key = stream
    this.#url = url
    this.#codec = codec
    this.#maxLength = maxLength === undefined ? undefined : String(maxLength)
    this.#shared = new Connection(url)
    if (interval > 0) {
      this.#timer = setInterval(() => this.#autoTrim(), interval)
      unrefTimer(this.#timer)
    }
  }

  /**
   * Appends one value (`XADD`).
   * @param value - any value the codec accepts.
   * @param options - `signal` cancels the put while it waits for the connection; once sent, it completes.
   * @returns resolves once Redis has stored the value.
   * @throws `ClosedError` after `close()`; the codec's error (default: `TypeError` for `undefined`);
   *   `signal.reason`; the client's error when Redis cannot be reached.
   * @example
   * ```ts
   * await stream.put({ id: 3 })
   * ```
   */
  put(value: T, options?: SignalOptions): Promise<void> {
    const refused = refuse(options, 'put', this.closed ? closedPut : undefined)
    if (refused !== undefined) return refused
    try {
      return this.#shared.send(this.#xadd(encodeWith(this.#codec, value), true), options?.signal).then(noop)
    } catch (error) {
      return Promise.reject(error)
    }
  }

  /**
   * Appends every value atomically and in order (`MULTI`, one `XADD` each, `EXEC`).
   * @param values - any iterable; read and encoded fully before anything is sent.
   * @param options - `signal` cancels the put while it waits for the connection; once sent, it completes.
   * @returns resolves once Redis has stored them all.
   * @throws as `put()`, plus `TypeError` when `values` is not iterable; nothing is appended on error
   *   before sending.
   * @example
   * ```ts
   * await stream.putAll([1, 2, 3])
   * ```
   */
  putAll(values: Iterable<T>, options?: SignalOptions): Promise<void> {
    try {
      assertIterable(values, 'putAll', 'values')
    } catch (error) {
      return Promise.reject(error)
    }
    const refused = refuse(options, 'putAll', this.closed ? closedPut : undefined)
    if (refused !== undefined) return refused
    const signal = options?.signal
    try {
      const texts: string[] = []
      for (const value of values) texts.push(encodeWith(this.#codec, value))
      if (texts.length === 0) return Promise.resolve()
      // One trim at the end of the transaction caps the stream as well as one per value would.
      const last = texts.length - 1
      const commands = texts.map((text, i) => this.#xadd(text, i === last))
      return this.#shared.multi(commands, signal).then(noop)
    } catch (error) {
      return Promise.reject(error)
    }
  }

  /**
   * Opens an instance of consumer `name`: a consumer group of that name, created if needed.
   *
   * - Every name reads every value; instances of one name share its values.
   * - Delivers, in order: this instance's own pending entries, entries claimed from instances idle
   *   longer than `claimIdle`, then new entries.
   * - `commit()` is `XACK`; `rollback()` re-reads this instance's pending entries; `close()` releases
   *   the connection and leaves pending entries in Redis.
   *
   * @param name - the consumer group; a non-empty string.
   * @param options - `start` for a new name, `instance` id, `claimIdle` ms.
   * @returns the consumer.
   * @throws `ClosedError` after `close()`; `TypeError`/`RangeError` for bad options.
   * @example
   * ```ts
   * import { hostname } from 'node:os'
   * const consumer = stream.consumer('billing', { instance: hostname() })
   * ```
   */
  consumer(name: string, options?: RedisConsumerOptions): Consumer<T> {
    const action = 'open consumer'
    if (typeof name !== 'string' || name === '') {
      throw new TypeError(invalid(action, 'name must be a non-empty string', name))
    }
    assertOptions(options, action)
    const { start = 'oldest', instance = crypto.randomUUID(), claimIdle = DEFAULT_CLAIM_IDLE } = options ?? {}
    if (start !== 'oldest' && start !== 'latest') {
      throw new TypeError(invalid(action, "start must be 'oldest' or 'latest'", start))
    }
    if (typeof instance !== 'string' || instance === '') {
      throw new TypeError(invalid(action, 'instance must be a non-empty string', instance))
    }
    assertDuration(claimIdle, action, 'claimIdle')
    if (this.closed) throw new ClosedError(closedMessage('open a consumer', 'stream'))
    const consumer = new RedisStreamConsumer<T>(
      {
        key: this.#key,
        url: this.#url,
        codec: this.#codec,
        shared: this.#shared,
        forget: (closed) => this.#consumers.delete(closed),
      },
      { name, start, instance, claimIdle },
    )
    this.#consumers.add(consumer)
    return consumer
  }

  /**
   * The number of entries in the stream (`XLEN`).
   * @param options - `signal` cancels the call while it waits for the connection.
   * @returns the stream's length; 0 when it does not exist.
   * @throws `ClosedError` after `close()`; `signal.reason`; the client's error.
   * @example
   * ```ts
   * const backlog = await stream.size()
   * ```
   */
  size(options?: SignalOptions): Promise<number> {
    return this.#call('size', options, (signal) => this.#shared.send(['XLEN', this.#key], signal))
  }

  /**
   * Deletes the entries every consumer name has acknowledged, like `defaultCleaner`: nothing while
   * no name exists, nothing a name has not acknowledged (pending or unread). Runs atomically.
   * @param options - `signal` cancels the call while it waits for the connection.
   * @returns how many entries were deleted.
   * @throws `ClosedError` after `close()`; `signal.reason`; the client's error.
   * @example
   * ```ts
   * const deleted = await stream.trim()
   * ```
   */
  trim(options?: SignalOptions): Promise<number> {
    return this.#call('trim', options, (signal) => this.#shared.script(TRIM, this.#key, [], signal))
  }

  /**
   * Closes the stream: closes its consumers, stops the retention pass, lets commands already sent
   * finish, and disconnects. Values stay in Redis. Idempotent; resolves with `done`.
   */
  override close(): Promise<void> {
    return super.close()
  }

  protected override async closing(): Promise<void> {
    clearInterval(this.#timer)
    await Promise.all(Array.from(this.#consumers, (consumer) => consumer.close()))
    await this.#shared.close().catch(noop)
  }

  #call(
    action: string,
    options: SignalOptions | undefined,
    run: (signal: AbortSignal | undefined) => Promise<unknown>,
  ): Promise<number> {
    const closed = this.closed ? () => new ClosedError(closedMessage(action, 'stream')) : undefined
    const refused = refuse(options, action, closed)
    if (refused !== undefined) return refused
    try {
      return run(options?.signal) as Promise<number>
    } catch (error) {
      return Promise.reject(error)
    }
  }

  #xadd(text: string, cap: boolean): string[] {
    if (cap && this.#maxLength !== undefined) {
      return ['XADD', this.#key, 'MAXLEN', '~', this.#maxLength, '*', 'v', text]
    }
    return ['XADD', this.#key, '*', 'v', text]
  }

  #autoTrim(): void {
    if (this.#trimming || this.closed) return
    this.#trimming = true
    const finish = (): void => {
      this.#trimming = false
    }
    // A failed pass is retried by the next one; the caller of the next operation sees the outage.
    this.#shared.script(TRIM, this.#key, []).then(finish, finish)
  }
}

export function assertUrl(url: unknown, action: string): asserts url is string {
  let valid = typeof url === 'string'
  if (valid) {
    try {
      RedisClient.parseURL(url as string)
    } catch {
      valid = false
    }
  }
  if (!valid) throw new TypeError(invalid(action, 'url must be a redis:// or rediss:// URL', url))
}
