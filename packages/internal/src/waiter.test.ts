import { describe, expect, it } from 'vitest'
import { trackListeners } from '../../test-utils/src/track-listeners.js'
import { LinkQueue } from './link-queue.js'
import { unwatchAbort, Waiter, watchAbort } from './waiter.js'

class Probe extends Waiter {
  readonly calls: unknown[] = []
  constructor(
    readonly id: number,
    readonly queue?: LinkQueue<Probe>,
    readonly onAborted?: () => void,
  ) {
    super()
    queue?.push(this)
  }
  aborted(reason: unknown): void {
    this.queue?.remove(this)
    this.calls.push(reason)
    this.onAborted?.()
  }
}

const tracked = new WeakMap<AbortSignal, { readonly live: number }>()
/** A signal whose live abort listeners {@link listeners} counts. */
function tracking(): AbortController {
  const controller = new AbortController()
  tracked.set(controller.signal, trackListeners(controller.signal))
  return controller
}
const listeners = (signal: AbortSignal): number => tracked.get(signal)?.live ?? Number.NaN

describe('watchAbort()', () => {
  it('watchAbort() adds one listener per signal however many waiters share it', () => {
    const controller = tracking()
    const waiters = Array.from({ length: 10_000 }, (_, i) => new Probe(i))
    for (const waiter of waiters) watchAbort(waiter, controller.signal)
    expect(listeners(controller.signal)).toBe(1)
    for (const waiter of waiters.slice(0, 9_999)) unwatchAbort(waiter)
    expect(listeners(controller.signal)).toBe(1)
    unwatchAbort(waiters[9_999] as Probe)
    expect(listeners(controller.signal)).toBe(0)
    controller.abort()
    expect(waiters.every((waiter) => waiter.calls.length === 0)).toBe(true)
  })

  it('an abort tells every registered waiter once, in registration order, and removes the listener', () => {
    const controller = tracking()
    const order: number[] = []
    const waiters = [1, 2, 3].map((id) => new Probe(id, undefined, () => order.push(id)))
    for (const waiter of waiters) watchAbort(waiter, controller.signal)
    unwatchAbort(waiters[1] as Probe)
    const reason = new Error('stop')
    controller.abort(reason)
    expect(order).toEqual([1, 3])
    expect(waiters[0]?.calls).toEqual([reason])
    expect(waiters[1]?.calls).toEqual([])
    expect(listeners(controller.signal)).toBe(0)
    // Unregistering after the abort is harmless.
    for (const waiter of waiters) unwatchAbort(waiter)
  })

  it('a waiter settled by an earlier waiter’s abort is not aborted as well', () => {
    const controller = tracking()
    const second = new Probe(2)
    const first = new Probe(1, undefined, () => unwatchAbort(second))
    watchAbort(first, controller.signal)
    watchAbort(second, controller.signal)
    controller.abort()
    expect(first.calls).toHaveLength(1)
    expect(second.calls).toHaveLength(0)
  })

  it('the aborted waiter leaves its queue; others on other signals stay', () => {
    const queue = new LinkQueue<Probe>()
    const a = tracking()
    const b = tracking()
    const one = new Probe(1, queue)
    const two = new Probe(2, queue)
    const three = new Probe(3, queue)
    watchAbort(one, a.signal)
    watchAbort(two, b.signal)
    watchAbort(three, a.signal)
    a.abort()
    expect([...queue].map((waiter) => waiter.id)).toEqual([2])
    expect(listeners(b.signal)).toBe(1)
    unwatchAbort(two)
    expect(listeners(b.signal)).toBe(0)
  })

  it('watchAbort() without a signal registers nothing', () => {
    const waiter = new Probe(1)
    watchAbort(waiter, undefined)
    expect(waiter.watch).toBeUndefined()
    unwatchAbort(waiter)
  })

  it('a signal that gets new waiters after its group emptied gets a fresh listener', () => {
    const controller = tracking()
    const first = new Probe(1)
    watchAbort(first, controller.signal)
    unwatchAbort(first)
    const second = new Probe(2)
    watchAbort(second, controller.signal)
    expect(listeners(controller.signal)).toBe(1)
    controller.abort('why')
    expect(second.calls).toEqual(['why'])
  })
})
