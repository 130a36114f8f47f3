import { BigBuffer } from '@bigbuff/buffer'
import { type Consumer, NothingToCommitError } from '@bigbuff/core'
import { describe, expect, it } from 'vitest'
import { iterate } from './iterate.js'

describe('iterate() over a BigBuffer consumer', () => {
  it('yields every value in order and commits each when the loop asks for the next', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.putAll([1, 2, 3])
    const seen: number[] = []
    for await (const value of iterate(consumer)) {
      seen.push(value)
      expect(consumer.pending).toBe(1)
      expect(buffer.diff(consumer)).toBe(3 - seen.length)
      if (value === 3) void buffer.close()
    }
    expect(seen).toEqual([1, 2, 3])
    expect(consumer.pending).toBe(0)
    await buffer.done
  })

  it('rolls back the value in hand on break, so it is delivered again', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.putAll([1, 2, 3])
    for await (const value of iterate(consumer)) {
      if (value === 2) break
    }
    expect(consumer.pending).toBe(0)
    expect(await consumer.get()).toBe(2)
  })

  it('rolls back the value in hand when the loop body throws', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.putAll([1, 2])
    const failure = new Error('body failed')
    await expect(
      (async () => {
        for await (const value of iterate(consumer)) if (value === 1) throw failure
      })(),
    ).rejects.toBe(failure)
    expect(await consumer.get()).toBe(1)
  })

  it('waits for values put later', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    const iterator = iterate(consumer)
    const next = iterator.next()
    await buffer.put(7)
    expect(await next).toEqual({ value: 7, done: false })
    await iterator.return?.()
    expect(await consumer.get()).toBe(7)
  })

  it('throws the signal reason from the loop when it aborts, losing nothing', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    const controller = new AbortController()
    await buffer.put(1)
    const seen: number[] = []
    const loop = (async () => {
      for await (const value of iterate(consumer, { signal: controller.signal })) seen.push(value)
    })()
    await new Promise((resolve) => setTimeout(resolve, 0))
    controller.abort('stop')
    await expect(loop).rejects.toBe('stop')
    expect(seen).toEqual([1])
    await buffer.put(2)
    expect(await consumer.get()).toBe(2)
  })

  it('throws an already aborted signal reason before reading', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.put(1)
    const iterator = iterate(consumer, { signal: AbortSignal.abort('already') })
    await expect(iterator.next()).rejects.toBe('already')
    expect(await consumer.get()).toBe(1)
  })

  it('throws TypeError at once for a non-consumer or malformed options', () => {
    expect(() => iterate({} as never)).toThrow(
      'Cannot iterate consumer: consumer must be a Consumer with get, commit and rollback, received [object Object]',
    )
    const consumer = new BigBuffer<number>().consumer()
    expect(() => iterate(consumer, 1 as never)).toThrow(TypeError)
    expect(() => iterate(consumer, { signal: 'x' } as never)).toThrow(
      'Cannot iterate consumer: signal must be an AbortSignal, received "x"',
    )
  })
})

describe('iterate() edge cases', () => {
  /** The consumer's promise API only, so iterate() cannot take values at hand. */
  function plain<T>(consumer: Consumer<T>): Consumer<T> {
    return {
      get: (options) => consumer.get(options),
      commit: () => consumer.commit(),
      rollback: () => consumer.rollback(),
      close: () => consumer.close(),
      get done() {
        return consumer.done
      },
      get closed() {
        return consumer.closed
      },
      get pending() {
        return consumer.pending
      },
      [Symbol.asyncDispose]: () => consumer.close(),
    }
  }

  it('works through the promise API of any consumer: commits each value, rolls back on break', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.putAll([1, 2, 3])
    const seen: number[] = []
    for await (const value of iterate(plain(consumer))) {
      if (value === 3) break
      seen.push(value)
    }
    expect(seen).toEqual([1, 2])
    expect(consumer.pending).toBe(0)
    expect(await consumer.get()).toBe(3)
  })

  it('serves concurrent next() and return() calls one after another', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.put(1)
    const iterator = iterate(consumer)
    const first = iterator.next()
    const second = iterator.next()
    const finished = iterator.return?.()
    await buffer.put(2)
    expect(await first).toEqual({ value: 1, done: false })
    expect(await second).toEqual({ value: 2, done: false })
    expect(await finished).toEqual({ value: undefined, done: true })
    expect(await iterator.next()).toEqual({ value: undefined, done: true })
    expect(await iterator.return?.()).toEqual({ value: undefined, done: true })
    // 1 was committed when 2 was asked for; 2 was rolled back by return().
    expect(await consumer.get()).toBe(2)
  })

  it('throws what commit() rejects with, rolling back, and is done afterwards', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.putAll([1, 2])
    const failure = new Error('commit failed')
    const failing = { ...plain(consumer), commit: () => Promise.reject(failure) }
    const iterator = iterate(failing)
    expect(await iterator.next()).toEqual({ value: 1, done: false })
    await expect(iterator.next()).rejects.toBe(failure)
    expect(consumer.pending).toBe(0)
    expect(await iterator.next()).toEqual({ value: undefined, done: true })
  })

  it('throws NothingToCommitError when another party rolled back the value in hand', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.putAll([1, 2])
    const iterator = iterate(consumer)
    expect(await iterator.next()).toEqual({ value: 1, done: false })
    await consumer.rollback()
    await expect(iterator.next()).rejects.toThrow(NothingToCommitError)
    expect(await consumer.get()).toBe(1)
  })

  it('rejects with the reason when the signal aborted between values at hand', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.putAll([1, 2])
    const controller = new AbortController()
    const iterator = iterate(consumer, { signal: controller.signal })
    expect(await iterator.next()).toEqual({ value: 1, done: false })
    controller.abort('stop')
    await expect(iterator.next()).rejects.toBe('stop')
    expect(await consumer.get()).toBe(2)
  })

  it('is done for good once the source ended: next() and return() resolve done at once', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.put(1)
    void buffer.end()
    const iterator = iterate(consumer)
    expect(await iterator.next()).toEqual({ value: 1, done: false })
    expect(await iterator.next()).toEqual({ value: undefined, done: true })
    expect(await iterator.next()).toEqual({ value: undefined, done: true })
    expect(await iterator.return?.()).toEqual({ value: undefined, done: true })
    await buffer.done
  })
})
