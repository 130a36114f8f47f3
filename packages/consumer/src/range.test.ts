import { BigBuffer } from '@bigbuff/buffer'
import { ConsumerBehindError } from '@bigbuff/core'
import { describe, expect, it, vi } from 'vitest'
import { range } from './range.js'

describe('range() over a BigBuffer consumer', () => {
  it('calls fn with each value and its index, committing each, until the consumer closes', async () => {
    const buffer = new BigBuffer<string>()
    const consumer = buffer.consumer()
    await buffer.putAll(['a', 'b', 'c'])
    const seen: [string, number][] = []
    const done = range(consumer, async (value, index) => {
      seen.push([value, index])
      expect(consumer.pending).toBe(1)
      if (value === 'c') void buffer.close()
    })
    await done
    expect(seen).toEqual([
      ['a', 0],
      ['b', 1],
      ['c', 2],
    ])
    expect(consumer.pending).toBe(0)
    await buffer.done
  })

  it('waits for values put later, like a channel range', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    const seen: number[] = []
    const done = range(consumer, (value) => {
      seen.push(value)
      return value < 3
    })
    for (const value of [1, 2, 3, 4]) await buffer.put(value)
    await done
    expect(seen).toEqual([1, 2, 3])
    expect(await consumer.get()).toBe(4)
  })

  it('resolves after committing the value for which fn returns exactly false', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.putAll([1, 2, 3])
    const results: unknown[] = [0, null, false]
    await range(consumer, (_, index) => results[index] as boolean)
    expect(buffer.diff(consumer)).toBe(0)
    await expect(consumer.rollback()).rejects.toMatchObject({ code: 'ERR_BIGBUFF_NOTHING_TO_ROLLBACK' })
  })

  it('rolls back and rejects with the error when fn throws or rejects', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.putAll([1, 2, 3])
    const thrown = new Error('sync failure')
    await expect(
      range(consumer, (value) => {
        if (value === 2) throw thrown
      }),
    ).rejects.toBe(thrown)
    expect(consumer.pending).toBe(0)
    const rejected = new Error('async failure')
    await expect(range(consumer, () => Promise.reject(rejected))).rejects.toBe(rejected)
    expect(await consumer.get()).toBe(2)
  })

  it('rejects with ConsumerBehindError when the consumer fell behind a forced trim', async () => {
    const buffer = new BigBuffer<number>({ cooldown: 0, cleaner: (size) => (size > 2 ? size : 0) })
    const consumer = buffer.consumer()
    await buffer.putAll([1, 2, 3])
    await expect(range(consumer, () => {})).rejects.toBeInstanceOf(ConsumerBehindError)
  })

  it('rejects with the reason when the signal aborts a waiting get(), losing nothing', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    const controller = new AbortController()
    const seen: number[] = []
    const done = range(consumer, (value) => void seen.push(value), { signal: controller.signal })
    await buffer.put(1)
    // The loop may first give the event loop a turn (it does every few ms): abort once it has seen 1.
    await vi.waitFor(() => expect(seen).toEqual([1]))
    controller.abort('enough')
    await expect(done).rejects.toBe('enough')
    await buffer.put(2)
    expect(seen).toEqual([1])
    expect(await consumer.get()).toBe(2)
  })

  it('does not interrupt a running fn: the value is committed, then the abort is reported', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.putAll([1, 2])
    const controller = new AbortController()
    await expect(
      range(
        consumer,
        async () => {
          controller.abort('stop')
          await Promise.resolve()
        },
        { signal: controller.signal },
      ),
    ).rejects.toBe('stop')
    expect(await consumer.get()).toBe(2)
  })

  it('rejects an already aborted signal without reading', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.put(1)
    const reason = new Error('already')
    await expect(range(consumer, () => {}, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason)
    expect(consumer.pending).toBe(0)
    expect(buffer.diff(consumer)).toBe(1)
  })
})
