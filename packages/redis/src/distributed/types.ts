import type { SignalOptions, WorkContext } from '@bigbuff/core'
import type { Codec } from '../types.js'

/**
 * What work scheduled across processes receives: the single-process `{ signal }` plus a fencing
 * token.
 *
 * - `token` strictly increases with every grant of the same key (or name), so a store that
 *   remembers the highest token it has seen can refuse a write from an older holder whose lease
 *   ran out while it was paused.
 * - `signal` also aborts when the lease is lost (its renewal was refused, or Redis could not be
 *   reached for longer than the lease).
 */
export interface DistributedWorkContext extends WorkContext {
  /** The fencing token of this run or job: larger than every token granted before it. */
  readonly token: number
}

/** Work run across processes: a function of its {@link DistributedWorkContext}. */
export type DistributedWork<T> = (context: DistributedWorkContext) => T | PromiseLike<T>

/** The options of `RedisExclusive.call()`, as for `Exclusive.call()`. */
export interface ExclusiveCallOptions extends SignalOptions {
  /** Ms after a batch's first call before it may start (timed on the Redis server's clock); default 0. */
  readonly wait?: number | undefined
  /** Ms after a run started before the key's next batch may start (Redis clock); default 0. */
  readonly rateLimit?: number | undefined
}

/** How a `RedisExclusive` reaches Redis and who it shares batches with. */
export interface RedisExclusiveOptions {
  /** Prefix of every Redis key and channel used; processes sharing it share batches. */
  readonly namespace: string
  /** Where Redis is; default `redis://127.0.0.1:6379`. */
  readonly url?: string | undefined
  /** Carries results to callers in other processes; default JSON. */
  readonly codec?: Codec<unknown> | undefined
  /** Ms a run holds its key without renewal (renewed every `lease / 3`); default 10000. */
  readonly lease?: number | undefined
  /** Receives errors of runs that no caller anywhere awaited (default: ignored). */
  readonly onError?: ((error: unknown, key: string) => void) | undefined
}

/** How a `RedisWorkers` reaches Redis and who it shares its limit with. */
export interface RedisWorkersOptions {
  /** Processes sharing a name share one limit. */
  readonly name: string
  /** Where Redis is; default `redis://127.0.0.1:6379`. */
  readonly url?: string | undefined
  /** Ms a running job holds its permit without renewal (renewed every `lease / 3`); default 10000. */
  readonly lease?: number | undefined
}
