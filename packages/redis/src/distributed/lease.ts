import { realClearTimeout, realClock, realSetTimeout, unrefTimer } from '@bigbuff/internal'
import type { Connection } from '../connection.js'
import { lua, NEXT_TOKEN, runLua } from './lua.js'

/** How a {@link Lease} talks to Redis: what renewing and releasing mean for the thing it holds. */
export interface LeaseHooks {
  /**
   * Extends the hold by the lease's duration. Resolves `true` while this holder still holds it and
   * `false` once it does not (expired or taken over: it is never silently re-acquired); rejects
   * when Redis cannot be reached.
   */
  renew(): Promise<boolean>
  /** Gives the hold up (only called while it has not been lost). */
  release(): Promise<unknown>
}

/** The error a lease's `signal` aborts with when the lease is lost. */
export class LeaseLostError extends Error {
  /** Stable code of this error. */
  readonly code = 'ERR_BIGBUFF_LEASE_LOST'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'LeaseLostError'
  }
}

/**
 * A hold on something in Redis that expires unless renewed: renewed every `duration / 3` ms, its
 * `signal` aborted (with {@link LeaseLostError}) once it is lost, released by `close()`.
 *
 * Lost means: a renewal was refused (the hold expired or someone else holds it now), or no renewal
 * succeeded for `duration` ms since the last successful one was sent (Redis unreachable: the hold
 * may have expired there, so it must be assumed gone).
 *
 * Timers are housekeeping (captured at load, unref'd): fake timers in a user's test do not stop
 * renewals, and a lease never keeps a process alive on its own.
 */
export class Lease {
  /** The fencing token of this grant. */
  readonly token: number
  /** Lease duration in ms. */
  readonly duration: number
  readonly #hooks: LeaseHooks
  readonly #controller = new AbortController()
  readonly #what: string
  #renewTimer: ReturnType<typeof setTimeout> | undefined
  #expiryTimer: ReturnType<typeof setTimeout> | undefined
  #closing: Promise<void> | undefined

  /**
   * @param token - the fencing token of the grant.
   * @param duration - ms the hold lasts without renewal (> 0); it was granted just now.
   * @param hooks - renew/release for what is held.
   * @param what - names the hold in the lost error's message.
   */
  constructor(token: number, duration: number, hooks: LeaseHooks, what = 'the lease') {
    this.token = token
    this.duration = duration
    this.#hooks = hooks
    this.#what = what
    this.#armExpiry(realClock())
    this.#scheduleRenewal()
  }

  /** Aborts (with {@link LeaseLostError}) once the lease is lost; never by `close()`. */
  get signal(): AbortSignal {
    return this.#controller.signal
  }

  /** Whether the lease was lost. */
  get lost(): boolean {
    return this.#controller.signal.aborted
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.#closing !== undefined
  }

  /** Stops renewing and releases the hold unless it was lost. Idempotent; never rejects. */
  close(): Promise<void> {
    this.#closing ??= this.#close()
    return this.#closing
  }

  async #close(): Promise<void> {
    this.#stopTimers()
    if (this.lost) return
    try {
      await this.#hooks.release()
    } catch {
      // Unreachable Redis: the hold expires there on its own.
    }
  }

  /** Marks the lease lost now (for example when the holder learns it was taken over). */
  lose(reason?: unknown): void {
    if (this.lost) return
    this.#stopTimers()
    this.#controller.abort(
      reason ?? new LeaseLostError(`Lost ${this.#what}: it was not renewed within ${this.duration} ms`),
    )
  }

  #stopTimers(): void {
    if (this.#renewTimer !== undefined) realClearTimeout(this.#renewTimer)
    if (this.#expiryTimer !== undefined) realClearTimeout(this.#expiryTimer)
    this.#renewTimer = undefined
    this.#expiryTimer = undefined
  }

  #armExpiry(sentAt: number): void {
    if (this.#expiryTimer !== undefined) realClearTimeout(this.#expiryTimer)
    const delay = Math.max(0, sentAt + this.duration - realClock())
    this.#expiryTimer = realSetTimeout(() => {
      this.#expiryTimer = undefined
      this.lose()
    }, delay)
    unrefTimer(this.#expiryTimer)
  }

  #scheduleRenewal(): void {
    this.#renewTimer = realSetTimeout(() => {
      this.#renewTimer = undefined
      void this.#renew()
    }, this.duration / 3)
    unrefTimer(this.#renewTimer)
  }

  async #renew(): Promise<void> {
    // The timer that calls this is cleared when the lease is lost or closed, and re-armed only after.
    const sentAt = realClock()
    let held: boolean | undefined
    try {
      held = await this.#hooks.renew()
    } catch {
      // Unreachable Redis: keep trying; the expiry timer decides when the lease is lost.
    }
    if (this.lost || this.closed) return
    if (held === false) {
      this.lose(new LeaseLostError(`Lost ${this.#what}: it expired or was taken over before renewal`))
      return
    }
    // A failed renewal leaves the expiry where it was: lost once `duration` passed since the last success.
    if (held === true) this.#armExpiry(sentAt)
    this.#scheduleRenewal()
  }
}

const ACQUIRE = lua(`${NEXT_TOKEN}
local key, owner, ms = KEYS[1], ARGV[1], tonumber(ARGV[2])
if redis.call('HEXISTS', key, 'owner') == 1 then return false end
local token = next_token(key)
redis.call('HSET', key, 'owner', owner)
redis.call('PEXPIRE', key, ms)
return num(token)
`)

const RENEW = lua(`
local key, owner, token, ms = KEYS[1], ARGV[1], ARGV[2], tonumber(ARGV[3])
if redis.call('HGET', key, 'owner') ~= owner or redis.call('HGET', key, 'token') ~= token then return 0 end
redis.call('PEXPIRE', key, ms)
return 1
`)

// The key (with its last token) outlives the hold a little, so a quick re-grant still counts up.
const RELEASE = lua(`
local key, owner, token, keep = KEYS[1], ARGV[1], ARGV[2], tonumber(ARGV[3])
if redis.call('HGET', key, 'owner') ~= owner or redis.call('HGET', key, 'token') ~= token then return 0 end
redis.call('HDEL', key, 'owner')
redis.call('PEXPIRE', key, keep)
return 1
`)

/** Where a key lease lives and how long it lasts. */
export interface KeyLeaseOptions {
  /** The Redis key (a hash with `owner` and `token`) that is the lease. */
  readonly key: string
  /** Who holds it; any string unique to this holder. */
  readonly owner: string
  /** Ms it lasts without renewal. */
  readonly duration: number
}

/**
 * Tries once to take the lease at `options.key`: resolves with the {@link Lease} (renewing from
 * now on) or `undefined` when someone else holds it; rejects when Redis cannot be reached.
 */
export async function acquireLease(
  connection: Connection,
  options: KeyLeaseOptions,
): Promise<Lease | undefined> {
  const { key, owner, duration } = options
  const reply = await runLua(connection, ACQUIRE, [key], [owner, Math.ceil(duration)])
  if (reply === null || reply === undefined) return undefined
  const token = Number(reply)
  const tokenText = String(reply)
  return new Lease(
    token,
    duration,
    {
      renew: async () =>
        (await runLua(connection, RENEW, [key], [owner, tokenText, Math.ceil(duration)])) === 1,
      release: () => runLua(connection, RELEASE, [key], [owner, tokenText, Math.max(60_000, duration * 2)]),
    },
    `the lease on ${key}`,
  )
}
