import {
  ClosedError,
  type Consumer,
  ConsumerBehindError,
  NothingToCommitError,
  NothingToRollbackError,
  type SignalOptions,
} from '@bigbuff/core'
import {
  AT_HAND,
  type AtHand,
  closedMessage,
  type Deferred,
  deferred,
  handled,
  LinkQueue,
  NOTHING_AT_HAND,
  noop,
  RingQueue,
  refuse,
  unwatchAbort,
  Waiter,
  watchAbort,
} from '@bigbuff/internal'
import { Connection, failedCommand } from './connection.js'
import { Closable } from './internal/closable.js'
import { parseNewRead, parseReadScript, type ReadResult, type StreamEntry } from './replies.js'
import { CHECK_GAP, CREATE_GROUP, READ, RELEASE } from './scripts.js'
import { compareIds } from './stream-id.js'
import type { Codec } from './types.js'

/** Entries asked for per read: an instance holds at most this many delivered but not yet returned. */
const READ_COUNT = 100
const COUNT_ARG = String(READ_COUNT)
/** Claim passes run at most this often, whatever `claimIdle`, so a small one never spins. */
const MIN_CLAIM_INTERVAL = 10
/** The idle time (ms, about ten years) `close()` gives the entries it hands back: claimable by anyone. */
const RELEASED_IDLE = '315360000000'
const NO_ENTRIES: readonly StreamEntry[] = []
/** No acknowledgement of the range loops' commits has failed since the last one was reported. */
const NO_ERROR: unique symbol = Symbol('no error')

/** What a consumer needs from the stream that made it. */
export interface ConsumerHost<T> {
  readonly key: string
  readonly url: string
  readonly codec: Codec<T>
  readonly shared: Connection
  forget(consumer: Consumer<T>): void
}

/** A consumer's settings, validated by `RedisStream.consumer()`. */
export interface ConsumerSettings {
  readonly name: string
  readonly start: 'oldest' | 'latest'
  readonly instance: string
  readonly claimIdle: number
}

/** A `get()` waiting for a value. */
class PendingGet<T> extends Waiter {
  readonly resolve: (value: T) => void
  readonly reject: (reason: unknown) => void
  readonly #queue: LinkQueue<PendingGet<T>>

  constructor(
    queue: LinkQueue<PendingGet<T>>,
    resolve: (value: T) => void,
    reject: (reason: unknown) => void,
  ) {
    super()
    this.#queue = queue
    this.resolve = resolve
    this.reject = reject
  }

  aborted(reason: unknown): void {
    this.#queue.remove(this)
    this.reject(reason)
  }
}

const closedGet = (): Error => new ClosedError(closedMessage('get', 'consumer'))

/**
 * The consumer `RedisStream.consumer()` returns: one instance of a consumer group.
 *
 * - One read loop serves waiting `get()`s in call order from entries Redis delivered to this instance;
 *   it reads up to {@link READ_COUNT} at a time on the stream's shared connection and, when nothing
 *   is new, waits with `XREAD … BLOCK` on a connection of its own.
 * - It starts by re-reading its own pending entries (history mode), returns to history mode on
 *   `rollback()` and after a read whose reply was lost, then reads new entries.
 * - History reads and claim passes run the `READ` script. New entries are read in one transaction
 *   (the `CHECK_GAP` script, then `XREADGROUP … >`): when entries the name had not read were trimmed,
 *   the script corrects the group's read counter in the same transaction, so the size of the gap is
 *   the one the read went past, and the gap is reported before the entries read after it.
 * - Replies are parsed into typed records by `replies.ts`.
 */
export class RedisStreamConsumer<T> extends Closable implements Consumer<T>, AtHand<T> {
  readonly #host: ConsumerHost<T>
  readonly #name: string
  readonly #instance: string
  readonly #claimIdle: string
  readonly #claimInterval: number
  #start: 'oldest' | 'latest'
  #group: Promise<void> | undefined
  #groupReady = false

  readonly #waiters = new LinkQueue<PendingGet<T>>()
  #pumping: Promise<void> | undefined
  #wake: Deferred<void> | undefined
  #own: Connection | undefined
  #reading: Promise<unknown> | undefined

  /** The entries of the last read and the position of the next one not yet returned by get(). */
  #batch: readonly StreamEntry[] = NO_ENTRIES
  #at = 0
  /** A ConsumerBehindError to deliver before any further entry. */
  #behind: ConsumerBehindError | undefined
  /** Ids returned by get() since the last commit or rollback; #base counts those ever removed. */
  readonly #unacked = new RingQueue<string>()
  #base = 0
  /** The commands of the transaction that reads new entries; the same array every time. */
  readonly #readNewCommands: readonly (readonly string[])[]
  /** Own pending entries are re-read after this id; undefined when reading new entries. */
  #cursor: string | undefined = '0'
  #claimCursor = '0-0'
  #nextClaim = 0
  /** Bumped by rollback() so replies to reads sent before it are ignored. */
  #epoch = 0

  /** Settles with the last commit sent; close() waits for it. */
  #committing: Promise<void> | undefined
  /** Ids committed by commitNow() (the range loops) whose XACK is not sent yet: one XACK for them all. */
  #owed: string[] = []
  #flushScheduled = false
  readonly #flushOwed = (): void => {
    this.#flushScheduled = false
    this.#flush()
  }
  /** The error of a failed XACK of commitNow()'s ids, thrown by the next commitNow(). */
  #ackError: unknown = NO_ERROR
  /** Bumped when such an XACK fails: its ids went back to #unacked, so replies to commits sent before it no longer match. */
  #ackFailures = 0

  /**
   * @param host - the stream's key, codec and shared connection.
   * @param settings - the validated consumer options.
   */
  constructor(host: ConsumerHost<T>, settings: ConsumerSettings) {
    super()
    this.#host = host
    this.#name = settings.name
    this.#instance = settings.instance
    this.#start = settings.start
    this.#claimIdle = String(Math.ceil(settings.claimIdle))
    this.#claimInterval = Math.max(settings.claimIdle, MIN_CLAIM_INTERVAL)
    const key = host.key
    // EVAL, not EVALSHA: a script Redis lost (after a restart) must not fail the check alone while
    // the read after it goes past a gap.
    this.#readNewCommands = [
      ['EVAL', CHECK_GAP.source, '1', key, this.#name],
      ['XREADGROUP', 'GROUP', this.#name, this.#instance, 'COUNT', COUNT_ARG, 'STREAMS', key, '>'],
    ]
    // The first read of new entries starts with a claim pass: it picks up what closed instances
    // handed back and what dead ones left behind.
    this.#nextClaim = performance.now()
    // Create the group now, in order with the stream's puts, so `start: 'latest'` means "from here".
    handled(this.#ensureGroup())
  }

  /** Values returned by `get()` since the last `commit()` or `rollback()`. */
  get pending(): number {
    return this.#unacked.length
  }

  /**
   * Resolves with the next value for this instance, waiting for one if needed.
   *
   * - Own pending entries (after a reopen or `rollback()`) come first, then entries claimed from idle
   *   instances, then new ones; concurrent calls are served one after another.
   * - Rejects `ConsumerBehindError` once when entries this name had not acknowledged were trimmed.
   * - Rejects `ClosedError` once closed, `signal.reason` on abort (nothing is lost: an entry Redis
   *   delivered meanwhile comes first next time), and the client's error when Redis is unreachable.
   *
   * @param options - `signal` aborts the wait.
   * @returns the decoded value.
   */
  get(options?: SignalOptions): Promise<T> {
    const refused = refuse(options, 'get', this.closed ? closedGet : undefined)
    if (refused !== undefined) return refused
    if (this.#waiters.length === 0 && this.#available()) {
      try {
        return Promise.resolve(this.#take())
      } catch (error) {
        return Promise.reject(error)
      }
    }
    return new Promise<T>((resolve, reject) => {
      const waiter = new PendingGet<T>(this.#waiters, resolve, reject)
      this.#waiters.push(waiter)
      watchAbort(waiter, options?.signal)
      this.#pumping ??= this.#pump()
    })
  }

  /**
   * Acknowledges (`XACK`) every entry returned by `get()` since the last commit or rollback.
   * @returns resolves once Redis has acknowledged them.
   * @throws `NothingToCommitError` when nothing is pending, `ClosedError` once closed, the client's
   *   error when Redis cannot be reached (the entries stay pending; commit again).
   */
  commit(): Promise<void> {
    if (this.closed) return Promise.reject(new ClosedError(closedMessage('commit', 'consumer')))
    const count = this.#unacked.length
    if (count === 0) return Promise.reject(new NothingToCommitError())
    const args = new Array<string>(count + 3)
    args[0] = 'XACK'
    args[1] = this.#host.key
    args[2] = this.#name
    for (let i = 0; i < count; i++) args[i + 3] = this.#unacked.at(i)!
    this.#flush()
    const upTo = this.#base + count
    const epoch = this.#epoch
    const failures = this.#ackFailures
    const committing = this.#host.shared.send(args).then(() => {
      if (epoch !== this.#epoch || failures !== this.#ackFailures) return
      for (; this.#base < upTo; this.#base++) this.#unacked.shift()
      // Everything the failed XACK held was in this one.
      this.#ackError = NO_ERROR
    })
    this.#committing = committing.then(noop, noop)
    return committing
  }

  /**
   * Rewinds to the last commit: `get()` re-reads this instance's pending entries (`XREADGROUP … 0`)
   * in order before anything new. Sends nothing to Redis itself.
   * @throws `NothingToRollbackError` when nothing is pending, `ClosedError` once closed.
   */
  rollback(): Promise<void> {
    if (this.closed) return Promise.reject(new ClosedError(closedMessage('roll back', 'consumer')))
    if (this.#unacked.length === 0) return Promise.reject(new NothingToRollbackError())
    // The commits of the range loops go out before the re-read, on the same connection: Redis
    // acknowledges them first, so only what was not committed comes again.
    this.#flush()
    this.#ackError = NO_ERROR
    this.#epoch++
    this.#base += this.#unacked.length
    this.#unacked.clear()
    this.#batch = NO_ENTRIES
    this.#at = 0
    this.#cursor = '0'
    this.#wake?.resolve()
    return Promise.resolve()
  }

  /**
   * Closes this consumer: waiting `get()`s reject `ClosedError` and its connection is released.
   * Entries it read but did not commit (and those Redis delivered that `get()` never returned) stay
   * pending in Redis, handed back: the same instance id reads them first when reopened, and any other
   * instance of the name claims them at its next claim pass. Idempotent; resolves with `done`.
   */
  override close(): Promise<void> {
    return super.close()
  }

  protected override async closing(): Promise<void> {
    this.#flush()
    for (const waiter of this.#waiters.drain()) {
      unwatchAbort(waiter)
      waiter.reject(closedGet())
    }
    this.#wake?.resolve()
    this.#own?.destroy()
    this.#batch = NO_ENTRIES
    await this.#pumping
    await this.#committing
    await this.#host.shared
      .script(RELEASE, this.#host.key, [this.#name, this.#instance, RELEASED_IDLE])
      .catch(noop)
    this.#host.forget(this)
  }

  /**
   * The synchronous side used by the range loops of `@bigbuff/consumer` (`range`, `iterate`,
   * `rangeBatch`): the entries of the last read that `get()` has not returned yet, without a promise
   * each, and a commit that does not wait for Redis.
   */
  get [AT_HAND](): AtHand<T> {
    return this
  }

  /**
   * @internal Takes the next entry of the last read when `get()` would resolve with it at once: no
   * `get()` waiting, no `ConsumerBehindError` to report first, no failed `XACK` to retry, an entry
   * that decodes.
   */
  take(): T | typeof NOTHING_AT_HAND {
    // After a failed XACK the loop goes through get() and commit(), which acknowledges those entries again.
    if (this.closed || this.#waiters.length > 0 || this.#behind !== undefined || this.#ackError !== NO_ERROR)
      return NOTHING_AT_HAND
    const entry = this.#batch[this.#at]
    if (entry?.text === undefined) return NOTHING_AT_HAND
    let value: T
    try {
      value = this.#host.codec.decode(entry.text)
    } catch {
      // get() decodes it again and rejects with the codec's error.
      return NOTHING_AT_HAND
    }
    this.#at++
    this.#unacked.push(entry.id)
    return value
  }

  /**
   * @internal `commit()` without waiting for Redis: what `get()` returned since the last commit is
   * committed here (`pending` drops to 0) and acknowledged by one `XACK` for all such commits made
   * before the loop yields, sent ahead of anything else this consumer sends.
   * @throws `ClosedError` once closed, `NothingToCommitError` when nothing is pending, and the client's
   *   error when the `XACK` of an earlier `commitNow()` failed (its entries are pending again).
   */
  commitNow(): void {
    if (this.closed) throw new ClosedError(closedMessage('commit', 'consumer'))
    const failed = this.#ackError
    if (failed !== NO_ERROR) {
      this.#ackError = NO_ERROR
      throw failed
    }
    const count = this.#unacked.length
    if (count === 0) throw new NothingToCommitError()
    for (const id of this.#unacked) this.#owed.push(id)
    this.#base += count
    this.#unacked.clear()
    if (!this.#flushScheduled) {
      this.#flushScheduled = true
      queueMicrotask(this.#flushOwed)
    }
  }

  /**
   * @internal Settles once the `XACK`s of every `commitNow()` so far are answered: the range loops
   * await it before they resolve. Rejects with the client's error when one failed (its entries are
   * pending again, and the loop rolls back).
   */
  async settle(): Promise<void> {
    this.#flush()
    await this.#committing
    const failed = this.#ackError
    if (failed === NO_ERROR) return
    this.#ackError = NO_ERROR
    throw failed
  }

  /**
   * Sends the XACK of the ids commitNow() committed. Should it fail, they are pending again, ahead of
   * what was read since (unless a rollback came first: it re-reads them from Redis).
   */
  #flush(): void {
    const ids = this.#owed
    if (ids.length === 0) return
    this.#owed = []
    const epoch = this.#epoch
    const acked = this.#host.shared
      .send(['XACK', this.#host.key, this.#name, ...ids])
      .then(noop, (error: unknown) => {
        if (epoch !== this.#epoch || this.closed) return
        this.#ackFailures++
        this.#ackError = error
        const later = this.#unacked.toArray()
        this.#unacked.clear()
        for (const id of ids) this.#unacked.push(id)
        for (const id of later) this.#unacked.push(id)
        this.#base -= ids.length
      })
    this.#committing = acked
  }

  #available(): boolean {
    return this.#behind !== undefined || this.#at < this.#batch.length
  }

  /** Returns the next buffered value (or throws the error standing in for it). */
  #take(): T {
    const behind = this.#behind
    if (behind !== undefined) {
      this.#behind = undefined
      throw behind
    }
    const { id, text } = this.#batch[this.#at++]!
    this.#unacked.push(id)
    if (text === undefined) {
      throw new TypeError(`Cannot get: entry ${id} of stream ${this.#host.key} has no "v" field`)
    }
    return this.#host.codec.decode(text)
  }

  async #pump(): Promise<void> {
    while (this.#waiters.length > 0 && !this.closed) {
      if (this.#available()) {
        const waiter = this.#waiters.shift()!
        unwatchAbort(waiter)
        try {
          waiter.resolve(this.#take())
        } catch (error) {
          waiter.reject(error)
        }
        continue
      }
      try {
        await this.#fetch()
      } catch (error) {
        const waiter = this.#waiters.shift()
        if (waiter !== undefined) {
          unwatchAbort(waiter)
          waiter.reject(error)
        }
      }
    }
    this.#pumping = undefined
  }

  #ensureGroup(): Promise<void> {
    this.#group ??= this.#host.shared
      .send(['EVAL', CREATE_GROUP.source, '1', this.#host.key, this.#name, this.#start])
      .then(
        () => {
          this.#groupReady = true
          // Should the group vanish (Redis restarted empty), recreate it without skipping anything.
          this.#start = 'oldest'
        },
        (error: unknown) => {
          this.#group = undefined
          throw error
        },
      )
    return this.#group
  }

  /** Reads the next batch into #batch, or waits until there may be one. */
  async #fetch(): Promise<void> {
    // Redis must not re-deliver, to a history read or a claim pass, what a range loop committed.
    this.#flush()
    const epoch = this.#epoch
    if (!this.#groupReady) await this.#ensureGroup()
    if (this.closed || epoch !== this.#epoch) return
    const claimDue = this.#cursor === undefined && performance.now() >= this.#nextClaim
    let waitAfter: string | undefined
    try {
      waitAfter =
        this.#cursor === undefined && !claimDue
          ? await this.#readNew(epoch)
          : await this.#readScript(epoch, claimDue)
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('NOGROUP')) {
        this.#groupReady = false
        this.#group = undefined
        return
      }
      // The reply may have been lost after Redis delivered entries: they are pending here, so
      // re-read own pending entries after the last one held before reading new ones.
      if (epoch === this.#epoch) this.#cursor = this.#lastHeld()
      throw error
    }
    if (waitAfter !== undefined) await this.#wait(waitAfter)
  }

  /** One READ script call (history or claim pass); returns the id to wait after when nothing was new. */
  async #readScript(epoch: number, claimDue: boolean): Promise<string | undefined> {
    const reply = parseReadScript(
      await this.#host.shared.script(READ, this.#host.key, this.#readArgs(claimDue)),
    )
    if (this.closed || epoch !== this.#epoch) return undefined
    this.#accept(reply, claimDue)
    return reply.kind === 'new' && reply.entries.length === 0 ? reply.lastId : undefined
  }

  /**
   * Reads new entries in one transaction; returns the group's last-delivered id when nothing was new.
   * A gap found by the transaction's check is the one this read went past, already settled in Redis;
   * it is reported before the entries read after it.
   */
  async #readNew(epoch: number): Promise<string | undefined> {
    const reply = parseNewRead(
      await this.#host.shared.multi(this.#readNewCommands).catch((error: unknown) => {
        throw failedCommand(error)
      }),
    )
    // Reported even when the entries are ignored: Redis has settled the gap, no later read finds it.
    if (reply.lost > 0) this.#behind = new ConsumerBehindError({ offset: reply.offset, behind: reply.lost })
    if (this.closed || epoch !== this.#epoch) return undefined
    if (reply.entries.length === 0) return this.#behind === undefined ? reply.lastId : undefined
    this.#batch = reply.entries
    this.#at = 0
    return undefined
  }

  #readArgs(claimDue: boolean): string[] {
    const name = this.#name
    if (this.#cursor !== undefined) return [name, this.#instance, COUNT_ARG, 'history', this.#cursor]
    return [name, this.#instance, COUNT_ARG, 'new', claimDue ? this.#claimIdle : '', this.#claimCursor]
  }

  #accept(reply: ReadResult, claimDue: boolean): void {
    if (reply.kind === 'history') {
      // A short page means every pending entry has been read: continue with new ones.
      const full = reply.entries.length + reply.lost >= READ_COUNT
      this.#cursor = full ? reply.lastId : undefined
    } else {
      this.#claimCursor = reply.claimCursor
      if (claimDue && this.#claimCursor === '0-0') this.#nextClaim = performance.now() + this.#claimInterval
    }
    if (reply.lost > 0) this.#behind = new ConsumerBehindError({ offset: reply.offset, behind: reply.lost })
    this.#batch = reply.kind === 'claim' ? this.#withoutHeld(reply.entries) : reply.entries
    this.#at = 0
  }

  /** Drops claimed entries this instance already holds (XAUTOCLAIM also returns its own idle ones). */
  #withoutHeld(entries: readonly StreamEntry[]): readonly StreamEntry[] {
    if (this.#unacked.length === 0) return entries
    const held = new Set(this.#unacked)
    return entries.filter((entry) => !held.has(entry.id))
  }

  #lastHeld(): string {
    let last = '0'
    for (const id of this.#unacked) if (last === '0' || compareIds(id, last) > 0) last = id
    return last
  }

  /** Waits until the stream may hold an entry after `lastId`, the next claim pass is due, or a wake-up. */
  async #wait(lastId: string): Promise<void> {
    let reading = this.#reading
    if (reading === undefined) {
      const block = String(Math.max(1, Math.ceil(this.#nextClaim - performance.now())))
      this.#own ??= new Connection(this.#host.url)
      const read = this.#own.send(['XREAD', 'COUNT', '1', 'BLOCK', block, 'STREAMS', this.#host.key, lastId])
      reading = this.#reading = read
      const clear = (): void => {
        if (this.#reading === read) this.#reading = undefined
      }
      read.then(clear, clear)
    }
    const wake = deferred<void>()
    this.#wake = wake
    try {
      await Promise.race([reading, wake.promise])
    } finally {
      this.#wake = undefined
    }
  }
}
