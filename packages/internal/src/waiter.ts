import type { Linked } from './link-queue.js'

/**
 * The base of every party that waits in a `@bigbuff/*` object: a `get()`, a `receive()`, a
 * `call()`, a select, a queued job.
 *
 * - It is its own node in the owner's {@link LinkQueue} (`prev`/`next`/`linked`), so parking it
 *   allocates nothing more and it leaves the queue in O(1).
 * - {@link watchAbort} registers it with its signal: however many waiters share one signal, the
 *   signal gets one listener (one per copy of this module), and the waiters of a signal form a second
 *   intrusive list, so settling one unregisters it in O(1) and the listener goes when the last one
 *   does. When the signal aborts, each waiter still registered gets {@link Waiter.aborted}, in the
 *   order they were registered.
 */
export abstract class Waiter implements Linked {
  prev: Linked | undefined = undefined
  next: Linked | undefined = undefined
  linked = false
  /** @internal The signal group this waiter is registered with, if any. */
  watch: SignalWatch | undefined = undefined
  /** @internal Neighbours in that group. */
  watchPrev: Waiter | undefined = undefined
  /** @internal */
  watchNext: Waiter | undefined = undefined

  /**
   * The signal this waiter was registered with aborted while it still waited: leave every queue
   * and reject with `reason`. Called at most once; the waiter is no longer registered by then.
   */
  abstract aborted(reason: unknown): void
}

/** Every waiter registered with one signal, behind the signal's one `abort` listener. */
class SignalWatch {
  readonly signal: AbortSignal
  head: Waiter | undefined = undefined
  tail: Waiter | undefined = undefined

  constructor(signal: AbortSignal) {
    this.signal = signal
    signal.addEventListener('abort', this, ONCE)
  }

  add(waiter: Waiter): void {
    waiter.watch = this
    waiter.watchPrev = this.tail
    waiter.watchNext = undefined
    if (this.tail === undefined) this.head = waiter
    else this.tail.watchNext = waiter
    this.tail = waiter
  }

  /** Unlinks `waiter`; the last one out removes the listener. */
  remove(waiter: Waiter): void {
    const { watchPrev: prev, watchNext: next } = waiter
    if (prev === undefined) this.head = next
    else prev.watchNext = next
    if (next === undefined) this.tail = prev
    else next.watchPrev = prev
    waiter.watch = waiter.watchPrev = waiter.watchNext = undefined
    if (this.head === undefined) {
      if (watches.get(this.signal) === this) watches.delete(this.signal)
      this.signal.removeEventListener('abort', this)
    }
  }

  /**
   * The signal aborted. Waiters are taken one at a time from the head, so one that an earlier
   * waiter's abort settled (and so unregistered) is not aborted as well.
   */
  handleEvent(): void {
    watches.delete(this.signal)
    const reason = this.signal.reason
    for (let waiter = this.head; waiter !== undefined; waiter = this.head) {
      this.remove(waiter)
      waiter.aborted(reason)
    }
  }
}

const ONCE: AddEventListenerOptions = Object.freeze({ once: true })

/** The group of each signal that has waiters registered. Entries leave with their last waiter. */
const watches = new Map<AbortSignal, SignalWatch>()

/**
 * Registers `waiter` to be told when `signal` aborts (nothing without a signal). The caller has
 * already refused an aborted signal; a waiter is registered with one signal at most.
 */
export function watchAbort(waiter: Waiter, signal: AbortSignal | undefined): void {
  if (signal === undefined) return
  let watch = watches.get(signal)
  if (watch === undefined) {
    watch = new SignalWatch(signal)
    watches.set(signal, watch)
  }
  watch.add(waiter)
}

/** Unregisters `waiter` from its signal, if it is registered: call it whenever a waiter settles. */
export function unwatchAbort(waiter: Waiter): void {
  waiter.watch?.remove(waiter)
}
