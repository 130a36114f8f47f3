import {
  ClosedError,
  type Consumer,
  ConsumerBehindError,
  NothingToCommitError,
  NothingToRollbackError,
  type SignalOptions,
} from '@bigbuff/core'
import {
  type Deferred,
  deferred,
  handled,
  listenAbort,
  noop,
  RingQueue,
  signalOf,
  WaiterQueue,
} from '@bigbuff/internal'
import { Connection, failedCommand } from './connection.js'
import { CREATE_GROUP, READ, RELEASE, SETTLE } from './scripts.js'
import { compareIds } from './stream-id.js'
import type { Codec } from './types.js'

/** Entries asked for per read: an instance holds at most this many delivered but not yet returned. */
const READ_COUNT = 100
const COUNT_ARG = String(READ_COUNT)
/** Where the entries start in a READ reply (after kind, claim cursor, lost, read counter, id). */
const HEADER = 5
/** The transaction that reads new entries: its replies are the group list, the length and the read. */
const GROUPS = 0
const LENGTH = 1
const ENTRIES = 2
/** Claim passes run at most this often, whatever `claimIdle`, so a small one never spins. */
const MIN_CLAIM_INTERVAL = 10
/** The idle time (ms, about ten years) `close()` gives the entries it hands back: claimable by anyone. */
const RELEASED_IDLE = '315360000000'
const NO_ENTRIES: readonly unknown[] = []

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

interface Waiter<T> {
  readonly resolve: (value: T) => void
  readonly reject: (reason: unknown) => void
  off: () => void
}

/**
 * The consumer `RedisStream.consumer()` returns: one instance of a consumer group.
 *
 * - One read loop serves waiting `get()`s in call order from entries Redis delivered to this instance;
 *   it reads up to {@link READ_COUNT} at a time on the stream's shared connection and, when nothing
 *   is new, waits with `XREAD … BLOCK` on a connection of its own.
 * - It starts by re-reading its own pending entries (history mode), returns to history mode on
 *   `rollback()` and after a read whose reply was lost, then reads new entries.
 * - History reads and claim passes run the `READ` script. New entries are read in one transaction
 *   (`XINFO GROUPS`, `XLEN`, `XREADGROUP … >`): when its group info shows that entries the name had
 *   not read were trimmed, the read went past the gap, so the `SETTLE` script corrects the group's
 *   read counter and the gap is reported before the entries read after it.
 */
export class RedisStreamConsumer<T> implements Consumer<T> {
  readonly #host: ConsumerHost<T>
  readonly #name: string
  readonly #instance: string
  readonly #claimIdle: string
  readonly #claimInterval: number
  #start: 'oldest' | 'latest'
  #group: Promise<void> | undefined
  #groupReady = false

  readonly #waiters = new WaiterQueue<Waiter<T>>()
  #pumping: Promise<void> | undefined
  #wake: Deferred<void> | undefined
  #own: Connection | undefined
  #reading: Promise<unknown> | undefined

  /** The last READ reply and the position of the next entry in it not yet returned by get(). */
  #batch: readonly unknown[] = NO_ENTRIES
  #at = 0
  /** A ConsumerBehindError to deliver before any further entry. */
  #behind: ConsumerBehindError | undefined
  /** Set after a read went past trimmed entries, to the group's read counter before them, until settled. */
  #unsettled: number | undefined
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

  #closed = false
  readonly #done = deferred<void>()
  /** Settles with the last commit sent; close() waits for it. */
  #committing: Promise<void> | undefined

  /**
   * @param host - the stream's key, codec and shared connection.
   * @param settings - the validated consumer options.
   */
  constructor(host: ConsumerHost<T>, settings: ConsumerSettings) {
    this.#host = host
    this.#name = settings.name
    this.#instance = settings.instance
    this.#start = settings.start
    this.#claimIdle = String(Math.ceil(settings.claimIdle))
    this.#claimInterval = Math.max(settings.claimIdle, MIN_CLAIM_INTERVAL)
    const key = host.key
    this.#readNewCommands = [
      ['XINFO', 'GROUPS', key],
      ['XLEN', key],
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

  /** True from the moment `close()` was called. */
  get closed(): boolean {
    return this.#closed
  }

  /** Resolves once the consumer has closed; the same promise every time; never rejects. */
  get done(): Promise<void> {
    return this.#done.promise
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
    let signal: AbortSignal | undefined
    try {
      signal = signalOf(options, 'get')
    } catch (error) {
      return Promise.reject(error)
    }
    if (signal?.aborted) return Promise.reject(signal.reason)
    if (this.#closed) return Promise.reject(new ClosedError('Cannot get: the consumer is closed'))
    if (this.#waiters.length === 0 && this.#available()) {
      try {
        return Promise.resolve(this.#take())
      } catch (error) {
        return Promise.reject(error)
      }
    }
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = { resolve, reject, off: noop }
      const node = this.#waiters.push(waiter)
      waiter.off = listenAbort(signal, () => {
        this.#waiters.remove(node)
        reject(signal?.reason)
      })
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
    if (this.#closed) return Promise.reject(new ClosedError('Cannot commit: the consumer is closed'))
    const count = this.#unacked.length
    if (count === 0) return Promise.reject(new NothingToCommitError())
    const args = new Array<string>(count + 3)
    args[0] = 'XACK'
    args[1] = this.#host.key
    args[2] = this.#name
    for (let i = 0; i < count; i++) args[i + 3] = this.#unacked.at(i)!
    const upTo = this.#base + count
    const epoch = this.#epoch
    const committing = this.#host.shared.send(args).then(() => {
      if (epoch !== this.#epoch) return
      for (; this.#base < upTo; this.#base++) this.#unacked.shift()
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
    if (this.#closed) return Promise.reject(new ClosedError('Cannot roll back: the consumer is closed'))
    if (this.#unacked.length === 0) return Promise.reject(new NothingToRollbackError())
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
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true
      this.#done.resolve(this.#close())
    }
    return this.#done.promise
  }

  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  async #close(): Promise<void> {
    for (const waiter of this.#waiters.drain()) {
      waiter.off()
      waiter.reject(new ClosedError('Cannot get: the consumer is closed'))
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
    const at = this.#at
    const id = this.#batch[at] as string
    const text = this.#batch[at + 1]
    this.#at = at + 2
    this.#unacked.push(id)
    if (typeof text !== 'string') {
      throw new TypeError(`Cannot get: entry ${id} of stream ${this.#host.key} has no "v" field`)
    }
    return this.#host.codec.decode(text)
  }

  async #pump(): Promise<void> {
    while (this.#waiters.length > 0 && !this.#closed) {
      if (this.#available()) {
        const waiter = this.#waiters.shift()!
        waiter.off()
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
        waiter?.off()
        waiter?.reject(error)
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
    const epoch = this.#epoch
    if (!this.#groupReady) await this.#ensureGroup()
    if (this.#closed || epoch !== this.#epoch) return
    const claimDue = this.#cursor === undefined && performance.now() >= this.#nextClaim
    let waitAfter: string | undefined
    try {
      // A gap whose settling failed is reported before anything else is read (or re-read).
      if (this.#unsettled !== undefined) return await this.#settle()
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
    const reply = (await this.#host.shared.script(
      READ,
      this.#host.key,
      this.#readArgs(claimDue),
    )) as unknown[]
    if (this.#closed || epoch !== this.#epoch) return undefined
    this.#accept(reply, claimDue)
    return reply[0] === 'new' && reply.length === HEADER ? (reply[4] as string) : undefined
  }

  /**
   * Reads new entries in one transaction; returns the group's last-delivered id when nothing was new.
   * The group info and length describe the moment of the read: `lag > length` means entries the
   * group had not read were trimmed and this read went past them (Redis does not count those in the
   * group's read counter). The gap is settled, and reported, before the entries are delivered.
   */
  async #readNew(epoch: number): Promise<string | undefined> {
    const replies = (await this.#host.shared.multi(this.#readNewCommands).catch((error: unknown) => {
      throw failedCommand(error)
    })) as unknown[]
    const info = (replies[GROUPS] as unknown[][]).find((fields) => field(fields, 'name') === this.#name)!
    const read = field(info, 'entries-read')
    const lag = field(info, 'lag')
    if (typeof read === 'number' && typeof lag === 'number' && lag > (replies[LENGTH] as number)) {
      this.#unsettled ??= read
    }
    // Settled even when the reply is ignored, so the counter other instances rely on is right.
    if (this.#unsettled !== undefined) await this.#settle()
    if (this.#closed || epoch !== this.#epoch) return undefined
    const streams = replies[ENTRIES] as [string, [string, string[]][]][] | null
    if (streams === null) return field(info, 'last-delivered-id') as string
    const batch: unknown[] = ['new', '', 0, 0, '']
    // An entry without a "v" field gets 0, as the READ script replies.
    for (const [id, fields] of streams[0]![1]) batch.push(id, field(fields, 'v') ?? 0)
    this.#batch = batch
    this.#at = HEADER
    return undefined
  }

  /** Corrects the group's read counter after a read past trimmed entries; reports the loss, if any. */
  async #settle(): Promise<void> {
    const lost = (await this.#host.shared.script(SETTLE, this.#host.key, [this.#name])) as number
    const offset = this.#unsettled!
    this.#unsettled = undefined
    // Another instance of the name may have settled (and reported) the same gap first.
    if (lost > 0) this.#behind = new ConsumerBehindError({ offset, behind: lost })
  }

  #readArgs(claimDue: boolean): string[] {
    const name = this.#name
    if (this.#cursor !== undefined) return [name, this.#instance, COUNT_ARG, 'history', this.#cursor]
    return [name, this.#instance, COUNT_ARG, 'new', claimDue ? this.#claimIdle : '', this.#claimCursor]
  }

  #accept(reply: unknown[], claimDue: boolean): void {
    const kind = reply[0]
    const lost = reply[2] as number
    if (kind === 'history') {
      // A short page means every pending entry has been read: continue with new ones.
      const full = (reply.length - HEADER) / 2 + lost >= READ_COUNT
      this.#cursor = full ? (reply[4] as string) : undefined
    } else {
      this.#claimCursor = reply[1] as string
      if (claimDue && this.#claimCursor === '0-0') this.#nextClaim = performance.now() + this.#claimInterval
    }
    if (lost > 0) this.#behind = new ConsumerBehindError({ offset: reply[3] as number, behind: lost })
    if (kind === 'claim') reply = this.#withoutHeld(reply)
    this.#batch = reply
    this.#at = HEADER
  }

  /** Drops claimed entries this instance already holds (XAUTOCLAIM also returns its own idle ones). */
  #withoutHeld(reply: unknown[]): unknown[] {
    if (this.#unacked.length === 0) return reply
    const held = new Set(this.#unacked)
    const kept = reply.slice(0, HEADER)
    for (let i = HEADER; i < reply.length; i += 2) {
      if (!held.has(reply[i] as string)) kept.push(reply[i], reply[i + 1])
    }
    return kept
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

/** Reads one field of a flat `[name, value, name, value, …]` reply. */
function field(list: readonly unknown[], name: string): unknown {
  for (let i = 0; i < list.length; i += 2) if (list[i] === name) return list[i + 1]
  return undefined
}
