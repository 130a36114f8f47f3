import { type Linked, unwatchAbort, Waiter, watchAbort } from '@bigbuff/internal'
import type { ChanCase, PerformedCase } from '../select.js'
import { chanAccess } from './chan-access.js'
import { type ReceiveWaiter, type SendWaiter, sendClosedWhileWaiting } from './waiters.js'

/**
 * A `select` that found no ready case: one waiter parked on every case's channel. The first
 * counterpart to arrive decides the case; the others are withdrawn at once, so no channel ever
 * matches a settled select. Registered with its signal like every other waiter (one listener per
 * signal however many selects wait on it).
 */
export class SelectWaiter extends Waiter {
  readonly #cases: readonly ChanCase[]
  readonly #waiters: CaseWaiter[]
  readonly #resolve: (result: PerformedCase) => void
  readonly #reject: (reason: unknown) => void
  #settled = false

  constructor(
    cases: readonly ChanCase[],
    resolve: (result: PerformedCase) => void,
    reject: (reason: unknown) => void,
    signal: AbortSignal | undefined,
  ) {
    super()
    this.#cases = cases
    this.#resolve = resolve
    this.#reject = reject
    this.#waiters = new Array<CaseWaiter>(cases.length)
    for (let i = 0; i < cases.length; i++) {
      const { kind, chan, value } = cases[i] as ChanCase
      const access = chanAccess(chan)
      const waiter = new CaseWaiter(this, i, value)
      this.#waiters[i] = waiter
      if (kind === 'receive') access.parkReceiver(chan, waiter)
      else access.parkSender(chan, waiter)
    }
    watchAbort(this, signal)
  }

  /** Case `index` was matched; `ok` false for a channel that closed. */
  decide(index: number, value: unknown, ok: boolean): void {
    if (!this.#end()) return
    if (!ok && (this.#cases[index] as ChanCase).kind === 'send') this.#reject(sendClosedWhileWaiting())
    else this.#resolve({ index, value, ok })
  }

  /** The signal aborted: withdraw every case, reject with its reason. */
  aborted(reason: unknown): void {
    if (this.#end()) this.#reject(reason)
  }

  #end(): boolean {
    if (this.#settled) return false
    this.#settled = true
    unwatchAbort(this)
    const cases = this.#cases
    for (let i = 0; i < cases.length; i++) {
      const { kind, chan } = cases[i] as ChanCase
      const access = chanAccess(chan)
      const waiter = this.#waiters[i] as CaseWaiter
      if (kind === 'receive') access.unparkReceiver(chan, waiter)
      else access.unparkSender(chan, waiter)
    }
    return true
  }
}

/** One case of a waiting select, parked in its channel's queue. */
class CaseWaiter implements ReceiveWaiter<unknown>, SendWaiter<unknown> {
  prev: Linked | undefined = undefined
  next: Linked | undefined = undefined
  linked = false
  readonly value: unknown
  readonly #select: SelectWaiter
  readonly #index: number

  constructor(select: SelectWaiter, index: number, value: unknown) {
    this.#select = select
    this.#index = index
    this.value = value
  }

  deliver(value: unknown, ok: boolean): void {
    this.#select.decide(this.#index, value, ok)
  }

  settle(ok: boolean): void {
    this.#select.decide(this.#index, undefined, ok)
  }
}
