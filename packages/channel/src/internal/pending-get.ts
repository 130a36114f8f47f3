import { type LinkQueue, unwatchAbort, Waiter, watchAbort } from '@bigbuff/internal'

/** A `ChannelConsumer.get()` waiting for the source. */
export class PendingGet<T> extends Waiter {
  readonly promise: Promise<T>
  readonly #queue: LinkQueue<PendingGet<T>>
  #resolve!: (value: T) => void
  #reject!: (reason: unknown) => void

  constructor(queue: LinkQueue<PendingGet<T>>, signal: AbortSignal | undefined) {
    super()
    this.promise = new Promise<T>((resolve, reject) => {
      this.#resolve = resolve
      this.#reject = reject
    })
    this.#queue = queue
    queue.push(this)
    watchAbort(this, signal)
  }

  /** Precondition: already out of the queue. */
  resolve(value: T): void {
    unwatchAbort(this)
    this.#resolve(value)
  }

  /** Precondition: already out of the queue. */
  reject(reason: unknown): void {
    unwatchAbort(this)
    this.#reject(reason)
  }

  /** The signal aborted: leave the queue; whatever the source produces stays for the next get(). */
  aborted(reason: unknown): void {
    this.#queue.remove(this)
    this.#reject(reason)
  }
}
