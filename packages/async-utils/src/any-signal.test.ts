import { trackListeners } from '@bigbuff/test-utils'
import { describe, expect, it } from 'vitest'
import { anySignal } from './any-signal.js'

describe('anySignal()', () => {
  it('aborts with the reason of the first input to abort', () => {
    const a = new AbortController()
    const b = new AbortController()
    const combined = anySignal([a.signal, b.signal])
    expect(combined.signal.aborted).toBe(false)
    const reason = new Error('b first')
    b.abort(reason)
    expect(combined.signal.aborted).toBe(true)
    expect(combined.signal.reason).toBe(reason)
    a.abort(new Error('a later'))
    expect(combined.signal.reason).toBe(reason)
  })

  it('removes every listener it added once it aborts', () => {
    const a = new AbortController()
    const b = new AbortController()
    const c = new AbortController()
    const tracked = [a, b, c].map((controller) => trackListeners(controller.signal))
    anySignal([a.signal, b.signal, c.signal])
    expect(tracked.map((t) => t.live)).toEqual([1, 1, 1])
    b.abort()
    expect(tracked.map((t) => t.live)).toEqual([0, 0, 0])
  })

  it('is aborted at once, with the first aborted input reason, when an input already aborted', () => {
    const live = new AbortController()
    const tracked = trackListeners(live.signal)
    const first = AbortSignal.abort('first')
    const combined = anySignal([null, live.signal, first, AbortSignal.abort('second')])
    expect(combined.signal.aborted).toBe(true)
    expect(combined.signal.reason).toBe('first')
    expect(tracked.live).toBe(0)
  })

  it('forwards a default abort reason unchanged (same object)', () => {
    const a = new AbortController()
    const combined = anySignal([a.signal])
    a.abort()
    expect(combined.signal.reason).toBeInstanceOf(DOMException)
    expect(combined.signal.reason).toBe(a.signal.reason)
  })

  it('never aborts for null and undefined inputs, nor for no inputs', () => {
    expect(anySignal([null, undefined]).signal.aborted).toBe(false)
    expect(anySignal([]).signal.aborted).toBe(false)
  })

  it('dispose() removes its listeners, is idempotent, and the result never aborts afterwards', () => {
    const a = new AbortController()
    const tracked = trackListeners(a.signal)
    const combined = anySignal([a.signal, undefined])
    expect(tracked.live).toBe(1)
    combined.dispose()
    combined.dispose()
    expect(tracked.live).toBe(0)
    a.abort()
    expect(combined.signal.aborted).toBe(false)
  })

  it('[Symbol.dispose]() disposes', () => {
    const a = new AbortController()
    const tracked = trackListeners(a.signal)
    const combined = anySignal([a.signal])
    combined[Symbol.dispose]()
    expect(tracked.live).toBe(0)
    a.abort()
    expect(combined.signal.aborted).toBe(false)
  })

  it('dispose() after the result aborted does nothing', () => {
    const a = new AbortController()
    const combined = anySignal([a.signal])
    a.abort('gone')
    combined.dispose()
    expect(combined.signal.reason).toBe('gone')
  })

  it('accepts any iterable and a signal listed twice', () => {
    const a = new AbortController()
    const tracked = trackListeners(a.signal)
    function* inputs() {
      yield a.signal
      yield a.signal
    }
    const combined = anySignal(inputs())
    a.abort('once')
    expect(combined.signal.reason).toBe('once')
    expect(tracked.live).toBe(0)
  })

  it('signal is the same AbortSignal every time', () => {
    const combined = anySignal([new AbortController().signal])
    expect(combined.signal).toBe(combined.signal)
    expect(combined.signal).toBeInstanceOf(AbortSignal)
  })
})
