import type { Chan } from '../chan.js'
import type { ReceiveWaiter, SendWaiter } from './waiters.js'

/**
 * What `select`, subscriptions and publishing may do to a channel beyond its public API. `Chan`
 * registers the one implementation from its static block (the only code that sees its private
 * fields); the package index does not export this module.
 */
export interface ChanAccess {
  /** A send would not wait: a receiver waits, the buffer has room, or the channel is closed. */
  canSend<T>(chan: Chan<T>): boolean
  /** A receive would not wait: a value is buffered, a sender waits, or the channel is closed. */
  canReceive<T>(chan: Chan<T>): boolean
  /** A value is buffered or a sender waits. */
  hasValue<T>(chan: Chan<T>): boolean
  /** Sends when that needs no wait; false when it would wait or the channel is closed. */
  offer<T>(chan: Chan<T>, value: T): boolean
  /** Precondition: open, and `canSend`. */
  sendNow<T>(chan: Chan<T>, value: T): void
  /** Precondition: `hasValue`. */
  receiveNow<T>(chan: Chan<T>): T
  parkSender<T>(chan: Chan<T>, waiter: SendWaiter<T>): void
  parkReceiver<T>(chan: Chan<T>, waiter: ReceiveWaiter<T>): void
  unparkSender<T>(chan: Chan<T>, waiter: SendWaiter<T>): boolean
  unparkReceiver<T>(chan: Chan<T>, waiter: ReceiveWaiter<T>): boolean
  /** An iterator step: the next value, or done once closed and drained. */
  next<T>(chan: Chan<T>): Promise<IteratorResult<T, undefined>>
  /** Closes the channel and drops what is buffered. */
  discard<T>(chan: Chan<T>): void
}

/**
 * Where a channel's class keeps its access: a `Symbol.for` key on `Chan.prototype`, so that a `Chan`
 * made by another copy of this package (its CJS build next to the ESM one) is worked through its own
 * copy's access, the only code that can read its private fields.
 */
const ACCESS: unique symbol = Symbol.for('@bigbuff/channel/chan-access') as never

/** Called once, by `Chan`'s static block: a frozen, non-writable, non-enumerable prototype property. */
export function registerChanAccess(prototype: object, access: ChanAccess): void {
  Object.defineProperty(prototype, ACCESS, { value: Object.freeze(access) })
}

/** The access of `chan`'s own class. */
export function chanAccess<T>(chan: Chan<T>): ChanAccess {
  return (chan as unknown as { readonly [ACCESS]: ChanAccess })[ACCESS]
}
