import { ClosedError } from '@bigbuff/core'
import type { Linked } from '@bigbuff/internal'
import { type ChanInternals, internalsOf } from '../chan.js'
import type { ChanCase, SelectResult } from '../select.js'
import { ONCE, type ReceiveWaiter, SEND_CLOSED, type SendWaiter } from './waiters.js'

/**
 * A `select` that found no ready case: one waiter parked on every case's channel. The first
 * counterpart to arrive decides the case; the others are withdrawn at once, so no channel ever
 * matches a settled select.
 */
export class SelectWaiter {
  readonly #cases: readonly ChanCase[]
  readonly #waiters: CaseWaiter[]
  readonly #resolve: (result: SelectResult) => void
  readonly #reject: (reason: unknown) => void
  readonly #signal: AbortSignal | undefined
  #settled = false

  constructor(
    cases: readonly ChanCase[],
    resolve: (result: SelectResult) => void,
    reject: (reason: unknown) => void,
    signal: AbortSignal | undefined,
  ) {
    this.#cases = cases
    this.#resolve = resolve
    this.#reject = reject
    this.#signal = signal
    this.#waiters = new Array<CaseWaiter>(cases.length)
    for (let i = 0; i < cases.length; i++) {
      const { kind, chan, value } = cases[i] as ChanCase
      const waiter = new CaseWaiter(this, i, value)
      this.#waiters[i] = waiter
      const ops = internalsOf(chan) as ChanInternals
      if (kind === 'receive') ops.parkReceiver(chan, waiter)
      else ops.parkSender(chan, waiter)
    }
    signal?.addEventListener('abort', this, ONCE)
  }

  /** Case `index` was matched; `ok` false for a channel that closed. */
  decide(index: number, value: unknown, ok: boolean): void {
    if (!this.#end()) return
    if (!ok && (this.#cases[index] as ChanCase).kind === 'send') this.#reject(new ClosedError(SEND_CLOSED))
    else this.#resolve({ index, value, ok })
  }

  /** The signal aborted (the listener is gone once settled): withdraw every case, reject with its reason. */
  handleEvent(): void {
    this.#end()
    this.#reject((this.#signal as AbortSignal).reason)
  }

  #end(): boolean {
    if (this.#settled) return false
    this.#settled = true
    this.#signal?.removeEventListener('abort', this)
    const cases = this.#cases
    for (let i = 0; i < cases.length; i++) {
      const { kind, chan } = cases[i] as ChanCase
      const waiter = this.#waiters[i] as CaseWaiter
      const ops = internalsOf(chan) as ChanInternals
      if (kind === 'receive') ops.unparkReceiver(chan, waiter)
      else ops.unparkSender(chan, waiter)
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
