import { brandKey, brandOf, setBrand } from '@bigbuff/internal'
import type { Chan } from '../chan.js'
import type { ReceiveWaiter, SendWaiter } from './waiters.js'

/**
 * What `select`, subscriptions and publishing may do to a channel beyond its public API. `Chan`
 * registers the one implementation from its static block (the only code that sees its private
 * fields); the package index does not export this module, so users cannot reach it.
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

let registered: ChanAccess | undefined

/** Called once, by `Chan`'s static block; a second registration throws. */
export function registerChanAccess(access: ChanAccess): void {
  if (registered !== undefined) throw new Error('Chan access is already registered')
  registered = Object.freeze(access)
}

/**
 * The registered access. Read at call time, never at module load, so the import order of the
 * modules that use it does not matter: any caller holds a `Chan`, whose class has registered by then.
 */
export function chanAccess(): ChanAccess {
  return registered as ChanAccess
}

/**
 * The brand on `Chan.prototype`, shared by every copy of this package (its ESM and CJS builds
 * loaded in one program): its value is that copy's {@link ChanAccess}, so a `select` of one copy
 * recognises a `Chan` of the other (where `instanceof` fails) and acts on it through the copy that
 * made it.
 */
const CHAN = /* @__PURE__ */ brandKey('channel.Chan.v1')

/** Brands `Chan.prototype` with this copy's access; called by `Chan`'s static block after registering. */
export function brandChan(prototype: object): void {
  setBrand(prototype, CHAN, registered)
}

/** The access of the copy of this package that made `value`, or undefined when it is no `Chan`. */
export function accessOf(value: unknown): ChanAccess | undefined {
  return brandOf<ChanAccess>(value, CHAN)
}
