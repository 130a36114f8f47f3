import { BigBuffer } from '@bigbuff/buffer'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { rangeBatch } from './range-batch.js'

afterEach(() => {
  vi.useRealTimers()
})

/** A buffer whose cleaner needs no timer, so the timers left are rangeBatch's own. */
function timerless(): BigBuffer<number> {
  return new BigBuffer<number>({ cooldown: 0 })
}

describe('rangeBatch() over a BigBuffer consumer', () => {
  it('hands fn up to maxSize available values at once and commits each batch', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.putAll([1, 2, 3, 4, 5])
    const batches: [number[], number][] = []
    await rangeBatch(
      consumer,
      (values, index) => {
        batches.push([values, index])
        expect(consumer.pending).toBe(values.length)
        return index < 2
      },
      { maxSize: 2 },
    )
    expect(batches).toEqual([
      [[1, 2], 0],
      [[3, 4], 1],
      [[5], 2],
    ])
    expect(consumer.pending).toBe(0)
    expect(buffer.diff(consumer)).toBe(0)
  })

  it('with maxWait 0 takes only what is available, even when timers are faked', async () => {
    vi.useFakeTimers()
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    const batches: number[][] = []
    const done = rangeBatch(consumer, (values) => void batches.push(values), { maxSize: 10 })
    await buffer.putAll([1, 2])
    await vi.waitFor(() => expect(batches).toEqual([[1, 2]]))
    await buffer.putAll([3])
    await vi.waitFor(() => expect(batches).toEqual([[1, 2], [3]]))
    await buffer.close()
    await done
  })

  it('waits at most maxWait ms after the first value for more', async () => {
    vi.useFakeTimers()
    const buffer = timerless()
    const consumer = buffer.consumer()
    const batches: number[][] = []
    const done = rangeBatch(consumer, (values) => void batches.push(values), { maxSize: 10, maxWait: 100 })
    await buffer.put(1)
    await vi.advanceTimersByTimeAsync(60)
    await buffer.put(2)
    await vi.advanceTimersByTimeAsync(39)
    expect(batches).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(batches).toEqual([[1, 2]])
    await buffer.put(3)
    await vi.advanceTimersByTimeAsync(100)
    expect(batches).toEqual([[1, 2], [3]])
    expect(vi.getTimerCount()).toBe(0)
    await buffer.close()
    await done
  })

  it('stops gathering as soon as maxSize values arrived, clearing its timer', async () => {
    vi.useFakeTimers()
    const buffer = timerless()
    const consumer = buffer.consumer()
    const batches: number[][] = []
    const done = rangeBatch(consumer, (values) => batches.push(values) < 1, { maxSize: 3, maxWait: 1000 })
    await buffer.put(1)
    await buffer.putAll([2, 3, 4])
    await done
    expect(batches).toEqual([[1, 2, 3]])
    expect(vi.getTimerCount()).toBe(0)
    expect(await consumer.get()).toBe(4)
  })

  it('hands fn the values gathered before the consumer closed, then resolves', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    const batches: number[][] = []
    const done = rangeBatch(consumer, (values) => void batches.push(values), { maxSize: 5, maxWait: 50 })
    await buffer.putAll([1, 2])
    // The loop may first give the event loop a turn (it does every few ms): close once it holds both.
    await vi.waitFor(() => expect(consumer.pending).toBe(2))
    void consumer.close()
    await done
    expect(batches).toEqual([[1, 2]])
    await consumer.done
  })

  it('rolls back the whole batch and rejects when fn throws', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.putAll([1, 2, 3])
    const failure = new Error('batch failed')
    await expect(
      rangeBatch(
        consumer,
        () => {
          throw failure
        },
        { maxSize: 2 },
      ),
    ).rejects.toBe(failure)
    expect(consumer.pending).toBe(0)
    expect(await consumer.get()).toBe(1)
  })

  it('rolls back and rejects with the reason when the signal aborts while gathering', async () => {
    vi.useFakeTimers()
    const buffer = timerless()
    const consumer = buffer.consumer()
    const controller = new AbortController()
    const fn = vi.fn()
    const done = rangeBatch(consumer, fn, { maxSize: 5, maxWait: 100, signal: controller.signal })
    const rejection = done.catch((error: unknown) => error)
    await buffer.put(1)
    await vi.advanceTimersByTimeAsync(10)
    controller.abort('stop')
    expect(await rejection).toBe('stop')
    expect(fn).not.toHaveBeenCalled()
    expect(consumer.pending).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
    expect(await consumer.get()).toBe(1)
  })

  it('rejects with the reason when the signal aborted while the first get() resolved', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    const controller = new AbortController()
    const fn = vi.fn()
    const done = rangeBatch(consumer, fn, { maxSize: 5, signal: controller.signal })
    await buffer.put(1)
    controller.abort('late')
    await expect(done).rejects.toBe('late')
    expect(fn).not.toHaveBeenCalled()
    expect(await consumer.get()).toBe(1)
  })

  it('rejects an already aborted signal without reading', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.put(1)
    await expect(
      rangeBatch(consumer, () => {}, { maxSize: 1, signal: AbortSignal.abort('no') }),
    ).rejects.toBe('no')
    expect(buffer.diff(consumer)).toBe(1)
  })

  it('with maxSize 1 hands fn one value at a time without gathering', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.putAll([1, 2])
    const batches: number[][] = []
    await rangeBatch(consumer, (values) => batches.push(values) < 2, { maxSize: 1, maxWait: 1000 })
    expect(batches).toEqual([[1], [2]])
  })
})
