import type { WaiterNode } from '@bigbuff/internal'
import { type Chan, internals } from '../chan.js'
import { ONCE, type SendWaiter } from './waiters.js'

/**
 * A publish that has to wait for some subscriptions: one sender parked on each of their channels,
 * settled when every one has taken the value, ended, or the signal aborted.
 */
export class PublishOp<T> implements SendWaiter<T> {
  readonly value: T
  readonly #signal: AbortSignal | undefined
  readonly #chans: Chan<T>[] = []
  readonly #nodes: WaiterNode<SendWaiter<T>>[] = []
  #delivered = 0
  #remaining = 0
  #resolve!: (delivered: number) => void
  #reject!: (reason: unknown) => void

  constructor(value: T, signal: AbortSignal | undefined) {
    this.value = value
    this.#signal = signal
  }

  /** Waits on `chan` until its subscriber takes the value. */
  park(chan: Chan<T>): void {
    this.#chans.push(chan)
    this.#nodes.push(internals.parkSender(chan, this))
    this.#remaining++
  }

  /** Called once every subscription was offered the value; `delivered` took it at once. */
  start(delivered: number): Promise<number> {
    this.#delivered = delivered
    this.#signal?.addEventListener('abort', this, ONCE)
    return new Promise<number>((resolve, reject) => {
      this.#resolve = resolve
      this.#reject = reject
    })
  }

  settle(ok: boolean): void {
    if (ok) this.#delivered++
    if (--this.#remaining > 0) return
    this.#signal?.removeEventListener('abort', this)
    this.#resolve(this.#delivered)
  }

  /** The signal aborted: stop waiting on every subscription that has not taken the value. */
  handleEvent(): void {
    for (let i = 0; i < this.#chans.length; i++) {
      internals.unparkSender(this.#chans[i] as Chan<T>, this.#nodes[i] as WaiterNode<SendWaiter<T>>)
    }
    this.#remaining = 0
    this.#reject((this.#signal as AbortSignal).reason)
  }
}
