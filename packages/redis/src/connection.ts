import { ClosedError } from '@bigbuff/core'
import {
  closedMessage,
  type Deferred,
  deferred,
  LinkQueue,
  noop,
  unwatchAbort,
  Waiter,
  watchAbort,
} from '@bigbuff/internal'
import { createClient, MultiErrorReply, type RedisClientType } from '@redis/client'
import type { Script } from './scripts.js'

type Client = RedisClientType<{}, {}, {}, 2, {}>

/** A command waiting for the connection to be established. */
class Queued extends Waiter {
  readonly settle: Deferred<unknown> = deferred<unknown>()
  readonly commands: readonly (readonly string[])[]
  readonly multi: boolean
  readonly #queue: LinkQueue<Queued>

  constructor(queue: LinkQueue<Queued>, commands: readonly (readonly string[])[], multi: boolean) {
    super()
    this.#queue = queue
    this.commands = commands
    this.multi = multi
  }

  aborted(reason: unknown): void {
    this.#queue.remove(this)
    this.settle.reject(reason)
  }
}

const closedConnection = (): Error => new ClosedError(closedMessage('send', 'connection'))

/**
 * One Redis connection, opened on first use and reopened on the first use after it was lost.
 *
 * - Commands are sent in call order, also while the connection is being established.
 * - It never reconnects in the background and never retries a command: when the connection
 *   cannot be opened, or is lost, every affected command rejects with the client's error, and the
 *   next command opens a fresh connection.
 * - A `signal` cancels a command only while it waits for the connection; once handed to the
 *   client, the command runs to completion.
 */
export class Connection {
  readonly #url: string
  #client: Client | undefined
  #connecting: Promise<void> | undefined
  readonly #queue = new LinkQueue<Queued>()
  #closed = false
  #destroyed = false

  /** @param url - where Redis is; validated by the caller. */
  constructor(url: string) {
    this.#url = url
  }

  /** Sends one command; resolves with its raw RESP2 reply. */
  send(args: readonly string[], signal?: AbortSignal): Promise<unknown> {
    const client = this.#client
    if (client?.isReady && this.#queue.length === 0) return client.sendCommand(args as string[])
    return this.#enqueue([args], false, signal)
  }

  /** Sends `commands` as one `MULTI`/`EXEC` transaction; resolves with their replies. */
  multi(commands: readonly (readonly string[])[], signal?: AbortSignal): Promise<unknown> {
    const client = this.#client
    if (client?.isReady && this.#queue.length === 0) return exec(client, commands)
    return this.#enqueue(commands, true, signal)
  }

  /** Runs a Lua script by its SHA1, sending its source only when Redis does not know it yet. */
  async script(script: Script, key: string, args: readonly string[], signal?: AbortSignal): Promise<unknown> {
    try {
      return await this.send(['EVALSHA', script.sha, '1', key, ...args], signal)
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error
      return this.send(['EVAL', script.source, '1', key, ...args], signal)
    }
  }

  /** Lets commands already sent finish, then disconnects. Commands sent afterwards reject `ClosedError`. */
  async close(): Promise<void> {
    this.#closed = true
    while (this.#connecting) await this.#connecting
    const client = this.#client
    this.#client = undefined
    if (client?.isOpen) await client.close()
  }

  /** Disconnects at once: commands in flight reject with the client's error. */
  destroy(): void {
    this.#closed = true
    this.#destroyed = true
    for (const queued of this.#queue.drain()) {
      unwatchAbort(queued)
      queued.settle.reject(closedConnection())
    }
    this.#client?.destroy()
    this.#client = undefined
  }

  #enqueue(commands: readonly (readonly string[])[], multi: boolean, signal?: AbortSignal): Promise<unknown> {
    if (this.#closed) return Promise.reject(closedConnection())
    const queued = new Queued(this.#queue, commands, multi)
    this.#queue.push(queued)
    watchAbort(queued, signal)
    this.#connecting ??= this.#connect()
    return queued.settle.promise
  }

  async #connect(): Promise<void> {
    this.#client?.destroy()
    this.#client = undefined
    const client: Client = createClient({
      url: this.#url,
      RESP: 2,
      socket: { reconnectStrategy: false },
      maintNotifications: 'disabled',
    })
    // Errors reach callers as command rejections; without a listener the emitter would throw.
    client.on('error', noop)
    try {
      await client.connect()
    } catch (error) {
      client.destroy()
      this.#connecting = undefined
      for (const queued of this.#queue.drain()) {
        unwatchAbort(queued)
        queued.settle.reject(error)
      }
      return
    }
    this.#connecting = undefined
    if (this.#destroyed) {
      client.destroy()
      return
    }
    this.#client = client
    for (const queued of this.#queue.drain()) {
      unwatchAbort(queued)
      queued.settle.resolve(
        queued.multi ? exec(client, queued.commands) : client.sendCommand(queued.commands[0] as string[]),
      )
    }
  }
}

function exec(client: Client, commands: readonly (readonly string[])[]): Promise<unknown> {
  const transaction = client.multi()
  for (const args of commands) transaction.addCommand(args as string[])
  return transaction.exec()
}

/** The error of the last command that failed in a transaction (`multi()` rejects with all of them). */
export function failedCommand(error: unknown): unknown {
  if (!(error instanceof MultiErrorReply)) return error
  return error.replies[error.errorIndexes.at(-1)!]
}
