import { trackListeners } from '@bigbuff/test-utils'
import { describe, expect, it } from 'vitest'
import { allSignals } from './all-signals.js'

describe('allSignals()', () => {
  it('aborts only once every input has aborted, with the last one reason', () => {
    const a = new AbortController()
    const b = new AbortController()
    const c = new AbortController()
    const combined = allSignals([a.signal, b.signal, c.signal])
    b.abort('b')
    c.abort('c')
    expect(combined.signal.aborted).toBe(false)
    const last = new Error('a last')
    a.abort(last)
    expect(combined.signal.aborted).toBe(true)
    expect(combined.signal.reason).toBe(last)
  })

  it('removes every listener it added once it aborts', () => {
    const a = new AbortController()
    const b = new AbortController()
    const tracked = [a, b].map((controller) => trackListeners(controller.signal))
    allSignals([a.signal, b.signal])
    expect(tracked.map((t) => t.live)).toEqual([1, 1])
    a.abort()
    expect(tracked[1]?.live).toBe(1)
    b.abort()
    expect(tracked.map((t) => t.live)).toEqual([0, 0])
  })

  it('does not wait for inputs already aborted at call time', () => {
    const a = new AbortController()
    const done = AbortSignal.abort('early')
    const tracked = trackListeners(done)
    const combined = allSignals([done, a.signal])
    expect(tracked.live).toBe(0)
    expect(combined.signal.aborted).toBe(false)
    a.abort('late')
    expect(combined.signal.reason).toBe('late')
  })

  it('is aborted at once, with the last input reason, when every input already aborted', () => {
    const combined = allSignals([AbortSignal.abort('first'), AbortSignal.abort('last')])
    expect(combined.signal.aborted).toBe(true)
    expect(combined.signal.reason).toBe('last')
  })

  it('never aborts, and adds no listener, when an input is null or undefined', () => {
    for (const nothing of [null, undefined]) {
      const a = new AbortController()
      const tracked = trackListeners(a.signal)
      const combined = allSignals([a.signal, nothing, AbortSignal.abort()])
      expect(tracked.live).toBe(0)
      a.abort()
      expect(combined.signal.aborted).toBe(false)
    }
  })

  it('throws RangeError with no inputs', () => {
    expect(() => allSignals([])).toThrow(
      new RangeError('Cannot create allSignals: signals must not be empty, received array of length 0'),
    )
  })

  it('counts a signal listed twice once', () => {
    const a = new AbortController()
    const b = new AbortController()
    const combined = allSignals([a.signal, a.signal, b.signal])
    b.abort()
    expect(combined.signal.aborted).toBe(false)
    a.abort('a')
    expect(combined.signal.reason).toBe('a')
  })

  it('dispose() removes its listeners, is idempotent, and the result never aborts afterwards', () => {
    const a = new AbortController()
    const b = new AbortController()
    const tracked = [a, b].map((controller) => trackListeners(controller.signal))
    const combined = allSignals([a.signal, b.signal])
    a.abort()
    combined.dispose()
    combined.dispose()
    expect(tracked.map((t) => t.live)).toEqual([0, 0])
    b.abort()
    expect(combined.signal.aborted).toBe(false)
  })

  it('[Symbol.dispose]() disposes', () => {
    const a = new AbortController()
    const tracked = trackListeners(a.signal)
    const combined = allSignals([a.signal])
    combined[Symbol.dispose]()
    expect(tracked.live).toBe(0)
    a.abort()
    expect(combined.signal.aborted).toBe(false)
  })

  it('accepts any iterable', () => {
    const a = new AbortController()
    const combined = allSignals(new Set([a.signal]))
    a.abort('done')
    expect(combined.signal.reason).toBe('done')
  })
})
