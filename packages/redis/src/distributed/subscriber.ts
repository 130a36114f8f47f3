import { noop } from '@bigbuff/internal'
import { createClient, type RedisClientType } from '@redis/client'

type Client = RedisClientType<{}, {}, {}, 2, {}>

/**
 * One subscriber connection listening to one channel, opened on first use.
 *
 * - `ready()` resolves once the subscription is in place, so a message published after it resolved
 *   is received.
 * - When the connection is lost, `onLost(error)` is called once and the next `ready()` opens a fresh
 *   connection: it never reconnects in the background.
 */
export class Subscriber {
  readonly #url: string
  readonly #channel: string
  readonly #onMessage: (message: string) => void
  readonly #onLost: (error: unknown) => void
  #client: Client | undefined
  #ready: Promise<void> | undefined
  #closed = false

  constructor(
    url: string,
    channel: string,
    onMessage: (message: string) => void,
    onLost: (error: unknown) => void,
  ) {
    this.#url = url
    this.#channel = channel
    this.#onMessage = onMessage
    this.#onLost = onLost
  }

  /** Resolves once subscribed; rejects with the client's error when Redis cannot be reached. */
  ready(): Promise<void> {
    this.#ready ??= this.#open()
    return this.#ready
  }

  async #open(): Promise<void> {
    const client: Client = createClient({
      url: this.#url,
      RESP: 2,
      socket: { reconnectStrategy: false },
      maintNotifications: 'disabled',
    })
    this.#client = client
    let open = false
    const lost = (error: unknown): void => {
      if (this.#client !== client) return
      this.#client = undefined
      this.#ready = undefined
      client.destroy()
      if (open && !this.#closed) this.#onLost(error)
    }
    client.on('error', lost)
    client.on('end', () => lost(new Error('The Redis subscriber connection closed')))
    try {
      await client.connect()
      await client.subscribe(this.#channel, (message) => this.#onMessage(message))
    } catch (error) {
      this.#client = undefined
      this.#ready = undefined
      client.destroy()
      throw error
    }
    open = true
    if (this.#closed) client.destroy()
  }

  /** Disconnects; `onLost` is not called. */
  async close(): Promise<void> {
    this.#closed = true
    const client = this.#client
    this.#client = undefined
    if (client?.isOpen) await client.close().catch(noop)
    else client?.destroy()
  }
}
