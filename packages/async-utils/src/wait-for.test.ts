import { nextTurn } from '@bigbuff/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { Cond } from './cond.js'
import { waitFor } from './wait-for.js'

describe('waitFor()', () => {
  it('evaluates the predicate at once and resolves without waiting when it is true', async () => {
    const cond = new Cond()
    const predicate = vi.fn(() => true)
    const done = waitFor(cond, predicate)
    expect(predicate).toHaveBeenCalledTimes(1)
    expect(cond.waiting).toBe(0)
    await expect(done).resolves.toBeUndefined()
  })

  it('re-evaluates the predicate after every wake-up and resolves once it is true', async () => {
    const cond = new Cond()
    let count = 0
    const predicate = vi.fn(() => count >= 2)
    let resolved = false
    void waitFor(cond, predicate).then(() => {
      resolved = true
    })
    expect(predicate).toHaveBeenCalledTimes(1)
    expect(cond.waiting).toBe(1)

    cond.broadcast()
    await nextTurn()
    expect(predicate).toHaveBeenCalledTimes(2)
    expect(resolved).toBe(false)
    expect(cond.waiting).toBe(1)

    count = 2
    cond.signal()
    await nextTurn()
    expect(predicate).toHaveBeenCalledTimes(3)
    expect(resolved).toBe(true)
    expect(cond.waiting).toBe(0)
  })

  it('rejects with the reason on abort without evaluating the predicate again', async () => {
    const cond = new Cond()
    const predicate = vi.fn(() => false)
    const controller = new AbortController()
    const waiting = waitFor(cond, predicate, { signal: controller.signal })
    controller.abort('cancelled')
    await expect(waiting).rejects.toBe('cancelled')
    expect(predicate).toHaveBeenCalledTimes(1)
    expect(cond.waiting).toBe(0)
  })

  it('does not evaluate the predicate after an abort that follows a wake-up', async () => {
    const cond = new Cond()
    const predicate = vi.fn(() => false)
    const controller = new AbortController()
    const waiting = waitFor(cond, predicate, { signal: controller.signal })
    cond.signal()
    controller.abort('late')
    await expect(waiting).rejects.toBe('late')
    expect(predicate).toHaveBeenCalledTimes(1)
  })

  it('rejects at once with an already aborted signal without evaluating the predicate', async () => {
    const predicate = vi.fn(() => true)
    await expect(waitFor(new Cond(), predicate, { signal: AbortSignal.abort('early') })).rejects.toBe('early')
    expect(predicate).not.toHaveBeenCalled()
  })

  it('rejects with the error the predicate throws, unchanged', async () => {
    const error = new Error('broken predicate')
    const cond = new Cond()
    await expect(
      waitFor(cond, () => {
        throw error
      }),
    ).rejects.toBe(error)
    expect(cond.waiting).toBe(0)
  })

  it('rejects TypeError when the predicate returns something other than a boolean', async () => {
    const cond = new Cond()
    const predicate = (async () => true) as unknown as () => boolean
    await expect(waitFor(cond, predicate)).rejects.toThrow(
      new TypeError('Cannot wait for condition: predicate must return a boolean, received [object Promise]'),
    )
    expect(cond.waiting).toBe(0)
  })
})
