import { afterEach, describe, expect, it, vi } from 'vitest'
import { deferred } from './deferred.js'
import { handled, rethrowAsync, unrefTimer } from './signal.js'

describe('signal helpers', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('handled() keeps a rejection from being unhandled and returns the same promise', async () => {
    const promise = Promise.reject(new Error('nobody listens'))
    expect(handled(promise)).toBe(promise)
    await expect(promise).rejects.toThrow('nobody listens')
  })

  it('rethrowAsync() throws the error in a microtask', () => {
    const spy = vi.spyOn(globalThis, 'queueMicrotask').mockImplementation(() => {})
    const error = new Error('boom')
    rethrowAsync(error)
    const task = spy.mock.calls[0]?.[0]
    expect(task).toBeTypeOf('function')
    expect(() => task?.()).toThrow(error)
  })

  it('unrefTimer() calls unref where it exists and ignores handles without it', () => {
    const unref = vi.fn()
    unrefTimer({ unref })
    expect(unref).toHaveBeenCalledTimes(1)
    expect(() => unrefTimer(42)).not.toThrow()
    expect(() => unrefTimer(undefined)).not.toThrow()
  })

  it('deferred() settles its promise from outside', async () => {
    const ok = deferred<number>()
    ok.resolve(1)
    await expect(ok.promise).resolves.toBe(1)
    const bad = deferred<number>()
    bad.reject(new Error('no'))
    await expect(bad.promise).rejects.toThrow('no')
  })
})
