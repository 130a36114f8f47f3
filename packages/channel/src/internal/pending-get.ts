import type { Linked, LinkQueue } from '@bigbuff/internal'
import { ONCE } from './waiters.js'

/** A `ChannelConsumer.get()` waiting for the source. */
export class PendingGet<T> implements Linked {
  prev: Linked | undefined = undefined
  next: Linked | undefined = undefined
  linked = false
  readonly promise: Promise<T>
  readonly #queue: LinkQueue<PendingGet<T>>
  readonly #signal: AbortSignal | undefined
  #resolve!: (value: T) => void
  #reject!: (reason: unknown) => void

  constructor(queue: LinkQueue<PendingGet<T>>, signal: AbortSignal | undefined) {
    this.promise = new Promise<T>((resolve, reject) => {
      this.#resolve = resolve
      this.#reject = reject
    })
    this.#queue = queue
    this.#signal = signal
    queue.push(this)
    signal?.addEventListener('abort', this, ONCE)
  }

  /** Precondition: already out of the queue. */
  resolve(value: T): void {
    this.#signal?.removeEventListener('abort', this)
    this.#resolve(value)
  }

  /** Precondition: already out of the queue. */
  reject(reason: unknown): void {
    this.#signal?.removeEventListener('abort', this)
    this.#reject(reason)
  }

  /** The signal aborted: leave the queue; whatever the source produces stays for the next get(). */
  handleEvent(): void {
    this.#queue.remove(this)
    this.#reject((this.#signal as AbortSignal).reason)
  }
}
