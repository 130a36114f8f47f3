import { type Linked, unwatchAbort, Waiter, watchAbort } from '@bigbuff/internal'
import type { Chan } from '../chan.js'
import { chanAccess } from './chan-access.js'
import type { SendWaiter } from './waiters.js'

/**
 * A publish that has to wait for some subscriptions: one sender parked on each of their channels,
 * settled when every one has taken the value, ended, or the signal aborted.
 */
export class PublishOp<T> extends Waiter {
  readonly #value: T
  readonly #signal: AbortSignal | undefined
  readonly #deliveries: Delivery<T>[] = []
  #delivered = 0
  #remaining = 0
  #resolve!: (delivered: number) => void
  #reject!: (reason: unknown) => void

  constructor(value: T, signal: AbortSignal | undefined) {
    super()
    this.#value = value
    this.#signal = signal
  }

  /** Waits on `chan` until its subscriber takes the value. */
  park(chan: Chan<T>): void {
    const delivery = new Delivery(this, chan, this.#value)
    this.#deliveries.push(delivery)
    chanAccess(chan).parkSender(chan, delivery)
    this.#remaining++
  }

  /** Called once every subscription was offered the value; `delivered` took it at once. */
  start(delivered: number): Promise<number> {
    this.#delivered = delivered
    watchAbort(this, this.#signal)
    return new Promise<number>((resolve, reject) => {
      this.#resolve = resolve
      this.#reject = reject
    })
  }

  /** One subscription took the value (`ok`) or ended first. */
  settle(ok: boolean): void {
    if (ok) this.#delivered++
    if (--this.#remaining > 0) return
    unwatchAbort(this)
    this.#resolve(this.#delivered)
  }

  /** The signal aborted: stop waiting on every subscription that has not taken the value. */
  aborted(reason: unknown): void {
    for (const delivery of this.#deliveries) chanAccess(delivery.chan).unparkSender(delivery.chan, delivery)
    this.#remaining = 0
    this.#reject(reason)
  }
}

/** The value waiting in one subscription's channel. */
class Delivery<T> implements SendWaiter<T> {
  prev: Linked | undefined = undefined
  next: Linked | undefined = undefined
  linked = false
  readonly value: T
  readonly chan: Chan<T>
  readonly #op: PublishOp<T>

  constructor(op: PublishOp<T>, chan: Chan<T>, value: T) {
    this.#op = op
    this.chan = chan
    this.value = value
  }

  settle(ok: boolean): void {
    this.#op.settle(ok)
  }
}
