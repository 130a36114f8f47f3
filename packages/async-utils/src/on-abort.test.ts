import { describe, expect, it, vi } from 'vitest'
import { onAbort } from './on-abort.js'

describe('onAbort()', () => {
  it('calls the listener exactly once, with the reason, when the signal aborts', () => {
    const controller = new AbortController()
    const listener = vi.fn()
    onAbort(controller.signal, listener)
    expect(listener).not.toHaveBeenCalled()
    controller.abort('why')
    controller.abort('again')
    expect(listener).toHaveBeenCalledTimes(1)
    expect(listener).toHaveBeenCalledWith('why')
  })

  it('calls the listener in a microtask when the signal already aborted', async () => {
    const reason = new Error('before')
    const listener = vi.fn()
    const handle = onAbort(AbortSignal.abort(reason), listener)
    expect(listener).not.toHaveBeenCalled()
    await Promise.resolve()
    expect(listener).toHaveBeenCalledTimes(1)
    expect(listener).toHaveBeenCalledWith(reason)
    handle[Symbol.dispose]()
    expect(listener).toHaveBeenCalledTimes(1)
  })

  it('never calls the listener when disposed before the abort', () => {
    const controller = new AbortController()
    const listener = vi.fn()
    const handle = onAbort(controller.signal, listener)
    handle[Symbol.dispose]()
    handle[Symbol.dispose]()
    controller.abort()
    expect(listener).not.toHaveBeenCalled()
  })

  it('never calls the listener when disposed before the microtask for an aborted signal', async () => {
    const listener = vi.fn()
    onAbort(AbortSignal.abort(), listener)[Symbol.dispose]()
    await Promise.resolve()
    await Promise.resolve()
    expect(listener).not.toHaveBeenCalled()
  })

  it('removes its listener from the signal when disposed', () => {
    const controller = new AbortController()
    const remove = vi.spyOn(controller.signal, 'removeEventListener')
    const add = vi.spyOn(controller.signal, 'addEventListener')
    onAbort(controller.signal, () => {})[Symbol.dispose]()
    expect(add).toHaveBeenCalledTimes(1)
    expect(remove).toHaveBeenCalledWith('abort', add.mock.calls[0]?.[1])
  })

  it('disposing after the call does nothing', () => {
    const controller = new AbortController()
    const listener = vi.fn()
    const handle = onAbort(controller.signal, listener)
    controller.abort()
    handle[Symbol.dispose]()
    expect(listener).toHaveBeenCalledTimes(1)
  })

  it('a listener may dispose its own handle while being called', () => {
    const controller = new AbortController()
    const listener = vi.fn(() => handle[Symbol.dispose]())
    const handle = onAbort(controller.signal, listener)
    controller.abort()
    expect(listener).toHaveBeenCalledTimes(1)
  })
})
