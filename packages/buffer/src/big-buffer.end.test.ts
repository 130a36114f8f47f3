import { ClosedError, type Consumer } from '@bigbuff/core'
import { rangeLoop } from '@bigbuff/internal'
import { expectOneListenerPerSignal } from '@bigbuff/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { BigBuffer } from './big-buffer.js'

/** Every value a consumer still delivers, committing each, until `get()` rejects `ClosedError`. */
async function drain<T>(consumer: Consumer<T>): Promise<T[]> {
  const values: T[] = []
  for (;;) {
    try {
      values.push(await consumer.get())
    } catch (error) {
      if (error instanceof ClosedError) return values
      throw error
    }
    await consumer.commit()
  }
}

/** Whether `promise` has settled after the pending microtasks and one macrotask turn. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false
  promise.then(
    () => (done = true),
    () => (done = true),
  )
  await new Promise((resolve) => setTimeout(resolve, 0))
  return done
}

describe('BigBuffer.end()', () => {
  it('lets a slow loop process every value: the loop gets 1..10, then end() and the loop resolve', async () => {
    vi.useFakeTimers()
    try {
      const buffer = new BigBuffer<number>()
      const got: number[] = []
      const loop = rangeLoop(
        buffer.consumer(),
        async (value) => {
          await new Promise((resolve) => setTimeout(resolve, 5))
          got.push(value)
        },
        undefined,
      )
      await buffer.putAll([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
      const ended = buffer.end()
      expect(buffer.ended).toBe(true)
      expect(buffer.closed).toBe(false)
      await vi.advanceTimersByTimeAsync(100)
      await ended
      await loop
      expect(got).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
      expect(buffer.closed).toBe(true)
      expect(buffer.consumers).toBe(0)
    } finally {
      vi.useRealTimers()
    }
  })

  it('waits for every lagging consumer to commit up to the end, then closes the buffer', async () => {
    const buffer = new BigBuffer<number>()
    const fast = buffer.consumer()
    const slow = buffer.consumer()
    await buffer.putAll([1, 2, 3])
    const ended = buffer.end()
    expect(await drain(fast)).toEqual([1, 2, 3])
    expect(await settled(ended)).toBe(false)
    expect(await slow.get()).toBe(1)
    await slow.commit()
    expect(await settled(ended)).toBe(false)
    expect(await drain(slow)).toEqual([2, 3])
    await ended
    expect(buffer.closed).toBe(true)
    await buffer.done
  })

  it('a get() waiting at the end rejects ClosedError at once; reads in hand rolled back come again', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.putAll([1, 2])
    expect(await consumer.get()).toBe(1)
    expect(await consumer.get()).toBe(2)
    const waiting = consumer.get()
    const ended = buffer.end()
    await expect(waiting).rejects.toThrow(
      new ClosedError('Cannot get: the buffer has ended and every value was read'),
    )
    await consumer.rollback()
    expect(await drain(consumer)).toEqual([1, 2])
    await ended
  })

  it('a consumer created after end() reads every retained value, and end() waits for it too', async () => {
    const buffer = new BigBuffer<string>()
    const first = buffer.consumer()
    await buffer.putAll(['a', 'b'])
    const ended = buffer.end()
    const late = buffer.consumer()
    expect(await drain(first)).toEqual(['a', 'b'])
    expect(await settled(ended)).toBe(false)
    expect(await drain(late)).toEqual(['a', 'b'])
    await ended
    expect(() => buffer.consumer()).toThrow(ClosedError)
  })

  it('put() and putAll() reject ClosedError after end() and append nothing', async () => {
    const buffer = new BigBuffer<number>()
    buffer.consumer()
    await buffer.put(1)
    void buffer.end()
    await expect(buffer.put(2)).rejects.toThrow(new ClosedError('Cannot put value: the buffer has ended'))
    await expect(buffer.putAll([3])).rejects.toThrow(
      new ClosedError('Cannot put values: the buffer has ended'),
    )
    expect(buffer.slice()).toEqual([1])
  })

  it('with no consumer open closes the buffer at once; on a closed buffer resolves with the close', async () => {
    const buffer = new BigBuffer<number>()
    await buffer.put(1)
    await buffer.end()
    expect(buffer.closed).toBe(true)
    expect(buffer.slice()).toEqual([1])
    const closed = new BigBuffer<number>()
    await closed.close()
    await closed.end()
    expect(closed.ended).toBe(false)
  })

  it('an aborted signal rejects end() with its reason and the buffer stays ended', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.put(1)
    const controller = new AbortController()
    const ended = buffer.end({ signal: controller.signal })
    controller.abort('stop waiting')
    await expect(ended).rejects.toBe('stop waiting')
    expect(buffer.ended).toBe(true)
    await expect(buffer.put(2)).rejects.toBeInstanceOf(ClosedError)
    expect(await drain(consumer)).toEqual([1])
    await buffer.done
    expect(buffer.closed).toBe(true)
  })

  it('an already aborted signal rejects without ending; malformed options reject TypeError', async () => {
    const buffer = new BigBuffer<number>()
    buffer.consumer()
    await expect(buffer.end({ signal: AbortSignal.abort('no') })).rejects.toBe('no')
    await expect(buffer.end({ signal: 1 } as never)).rejects.toThrow(
      'Cannot end buffer: signal must be an AbortSignal, received 1',
    )
    expect(buffer.ended).toBe(false)
    await buffer.put(1)
  })

  it('end() with a signal resolves when the buffer closes and leaves no listener', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.put(1)
    const controller = new AbortController()
    const ended = buffer.end({ signal: controller.signal })
    await drain(consumer)
    await ended
    controller.abort('late')
    expect(buffer.closed).toBe(true)
  })

  it('close() during end() stops at once: waiting get()s reject, end() resolves when the close finishes', async () => {
    const buffer = new BigBuffer<number>()
    const idle = buffer.consumer()
    const holding = buffer.consumer()
    await buffer.putAll([1, 2])
    const ended = buffer.end()
    expect(await holding.get()).toBe(1)
    const closed = buffer.close()
    await expect(idle.get()).rejects.toThrow('Cannot get: the consumer is closed')
    expect(await settled(ended)).toBe(false)
    await holding.commit()
    await closed
    await ended
  })

  it('called (not awaited) inside a loop, it takes effect at once: the loop finishes, end() resolves', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.putAll([1, 2, 3])
    let ended: Promise<void> | undefined
    const seen: number[] = []
    await rangeLoop(
      consumer,
      (value) => {
        seen.push(value)
        if (value === 2) {
          ended = buffer.end()
          expect(buffer.ended).toBe(true)
        }
      },
      undefined,
    )
    expect(seen).toEqual([1, 2, 3])
    await ended
    expect(buffer.closed).toBe(true)
  })

  it('adds one abort listener to a signal shared by many waiting end() calls', async () => {
    const buffer = new BigBuffer<number>()
    buffer.consumer()
    await buffer.put(1)
    await expectOneListenerPerSignal((signal) => buffer.end({ signal }), { count: 2_000 })
  })
})

describe('BufferConsumer and a shared signal', () => {
  it('10,000 get()s waiting on one signal add one abort listener and print no warning', async () => {
    const buffer = new BigBuffer<number>()
    const consumers = Array.from({ length: 100 }, () => buffer.consumer())
    await expectOneListenerPerSignal((signal, index) =>
      (consumers[index % 100] as Consumer<number>).get({ signal }),
    )
    await buffer.put(1)
    for (const consumer of consumers) expect(await consumer.get()).toBe(1)
  })
})
