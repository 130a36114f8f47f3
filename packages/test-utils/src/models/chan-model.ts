import { CLOSED, type Op } from './op.js'

/**
 * A waiter parked on one or more model channels: a plain send/receive/iteration, or a select parked
 * on every case. When one of its cases fires, it leaves every queue it was in.
 */
export interface ModelWaiter {
  readonly op: Op
  /** `'select'`: resolves `{ index, value, ok }`; `'iterate'`: `{ value, done }`; else the value. */
  readonly kind: 'plain' | 'select' | 'iterate'
  settled: boolean
  /** Where this waiter is parked: the channel, the direction, the case index and the value sent. */
  readonly parked: { chan: ModelChan; side: 'send' | 'receive'; index: number; value: unknown }[]
}

/** The reference model of one Go-style channel: a FIFO buffer of `capacity`, FIFO senders and receivers. */
export class ModelChan {
  readonly capacity: number
  readonly buffer: unknown[] = []
  readonly senders: { waiter: ModelWaiter; index: number; value: unknown }[] = []
  readonly receivers: { waiter: ModelWaiter; index: number }[] = []
  closed = false

  constructor(capacity: number) {
    this.capacity = capacity
  }

  get sendReady(): boolean {
    return this.receivers.length > 0 || this.buffer.length < this.capacity
  }

  get hasValue(): boolean {
    return this.buffer.length > 0 || this.senders.length > 0
  }

  /** Hands `value` to the first receiver, or buffers it. Only when `sendReady`. */
  sendNow(value: unknown): void {
    const receiver = this.receivers.shift()
    if (receiver === undefined) {
      this.buffer.push(value)
      return
    }
    deliver(receiver.waiter, receiver.index, value, true)
  }

  /** Takes the next value: from the buffer (refilled from the first sender) or the first sender. */
  receiveNow(): unknown {
    if (this.buffer.length > 0) {
      const value = this.buffer.shift()
      const sender = this.senders.shift()
      if (sender !== undefined) {
        this.buffer.push(sender.value)
        deliver(sender.waiter, sender.index, undefined, true)
      }
      return value
    }
    const sender = this.senders.shift() as (typeof this.senders)[number]
    deliver(sender.waiter, sender.index, undefined, true)
    return sender.value
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    for (const receiver of this.receivers.splice(0))
      deliver(receiver.waiter, receiver.index, undefined, false)
    for (const sender of this.senders.splice(0)) deliver(sender.waiter, sender.index, undefined, false)
  }
}

/** Settles a parked waiter whose case `index` fired, and unparks it everywhere else. */
export function deliver(waiter: ModelWaiter, index: number, value: unknown, ok: boolean): void {
  if (waiter.settled) return
  unpark(waiter)
  const side = waiter.parked.find((p) => p.index === index)?.side
  if (waiter.kind === 'select') {
    if (!ok && side === 'send') waiter.op.rejectWith(CLOSED)
    else waiter.op.resolveWith({ index, value, ok })
  } else if (waiter.kind === 'iterate') {
    waiter.op.resolveWith(ok ? { value, done: false } : { value: undefined, done: true })
  } else if (ok) {
    waiter.op.resolveWith(side === 'send' ? undefined : value)
  } else {
    waiter.op.rejectWith(CLOSED)
  }
}

/** Removes a waiter from every queue it is parked in; it counts as settled from then on. */
export function unpark(waiter: ModelWaiter): void {
  waiter.settled = true
  for (const { chan, side } of waiter.parked) {
    if (side === 'send') removeWhere(chan.senders, (s) => s.waiter === waiter)
    else removeWhere(chan.receivers, (r) => r.waiter === waiter)
  }
}

function removeWhere<T>(list: T[], predicate: (item: T) => boolean): void {
  for (let i = list.length - 1; i >= 0; i--) if (predicate(list[i] as T)) list.splice(i, 1)
}

/** A select case of the model: a channel index and a direction (and the value sent). */
export interface ModelCase {
  readonly chan: number
  readonly side: 'send' | 'receive'
  readonly value: unknown
}

/** Whether a case can proceed now (a closed channel makes both directions ready, as in Go). */
export function ready(chan: ModelChan, side: 'send' | 'receive'): boolean {
  return chan.closed || (side === 'send' ? chan.sendReady : chan.hasValue)
}

/** Parks a new waiter for `op` on every one of its cases, in order. */
export function park(
  op: Op,
  kind: ModelWaiter['kind'],
  cases: { chan: ModelChan; side: 'send' | 'receive'; index: number; value: unknown }[],
): ModelWaiter {
  const waiter: ModelWaiter = { op, kind, settled: false, parked: cases }
  for (const c of cases) {
    if (c.side === 'send') c.chan.senders.push({ waiter, index: c.index, value: c.value })
    else c.chan.receivers.push({ waiter, index: c.index })
  }
  return waiter
}
