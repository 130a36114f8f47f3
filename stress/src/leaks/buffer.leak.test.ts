import { BigBuffer } from '@bigbuff/buffer'
import { iterate, range, rangeBatch } from '@bigbuff/consumer'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { collected } from '../support/memory.js'
import { settle } from '../support/settle.js'
import { listeners } from '../support/signals.js'

/** A value the test can watch for collection. */
class Payload {
  constructor(readonly id: number) {}
}

describe('BigBuffer leaves nothing behind', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('close() with waiting gets, a range and a cleaner cooldown in flight clears every timer and listener', async () => {
    const timers = vi.getTimerCount()
    const longLived = new AbortController()
    const buffer = new BigBuffer<Payload>({ cooldown: 50 })
    const consumers = [buffer.consumer(), buffer.consumer(), buffer.consumer()]
    await buffer.put(new Payload(1))
    expect(vi.getTimerCount() - timers, 'the cleaner cooldown is armed').toBe(1)
    await consumers[0]?.get({ signal: longLived.signal })
    const waiting = [consumers[1]?.get(), consumers[1]?.get({ signal: longLived.signal })]
    const ranging = range(consumers[2] as (typeof consumers)[number], () => {}, { signal: longLived.signal })
    const iterating = iterate(consumers[2] as (typeof consumers)[number], { signal: longLived.signal })
    await settle()
    expect(listeners(longLived.signal), 'listeners while operations wait').toBeGreaterThan(0)
    const closing = buffer.close()
    await consumers[0]?.commit()
    await Promise.allSettled([...waiting, ranging, iterating.next()])
    // The first waiting get() took the value: close() finishes once it is resolved.
    await consumers[1]?.commit()
    await closing
    await settle()
    expect(vi.getTimerCount(), 'no timer once closed').toBe(timers)
    expect(listeners(longLived.signal), 'no listener left on a signal that outlives the buffer').toBe(0)
  })

  it('a closed buffer, its consumers and its values are collected while a long-lived signal that waited on it lives on', async () => {
    const longLived = new AbortController()
    const refs = await (async () => {
      const buffer = new BigBuffer<Payload>({ cooldown: 0 })
      const consumer = buffer.consumer()
      const value = new Payload(1)
      await buffer.put(value)
      await consumer.get({ signal: longLived.signal })
      const waiting = consumer.get({ signal: longLived.signal })
      await consumer.rollback()
      await waiting
      await consumer.commit()
      await buffer.close()
      return { buffer: new WeakRef(buffer), consumer: new WeakRef(consumer), value: new WeakRef(value) }
    })()
    expect(await collected(refs.buffer), 'the buffer').toBe(true)
    expect(await collected(refs.consumer), 'the consumer').toBe(true)
    expect(await collected(refs.value), 'the value').toBe(true)
    expect(listeners(longLived.signal)).toBe(0)
  })

  it('a live buffer releases values every consumer committed, and consumers that closed', async () => {
    const buffer = new BigBuffer<Payload>({ cooldown: 0 })
    const reader = buffer.consumer()
    const refs = await (async () => {
      const gone = buffer.consumer()
      const values = Array.from({ length: 100 }, (_, i) => new Payload(i))
      await buffer.putAll(values)
      for (let i = 0; i < 100; i++) await reader.get()
      await reader.commit()
      await gone.get()
      await gone.rollback()
      await gone.close()
      return {
        first: new WeakRef(values[0] as Payload),
        last: new WeakRef(values[99] as Payload),
        gone: new WeakRef(gone),
      }
    })()
    expect(buffer.size, 'everything committed is dropped').toBe(0)
    expect(await collected(refs.first)).toBe(true)
    expect(await collected(refs.last)).toBe(true)
    expect(await collected(refs.gone), 'a closed consumer').toBe(true)
    expect(buffer.consumers).toBe(1)
    await buffer.close()
  })

  it('an aborted get() is not retained by its consumer or the signal', async () => {
    const buffer = new BigBuffer<Payload>({ cooldown: 0 })
    const consumer = buffer.consumer()
    const longLived = new AbortController()
    const ref = (() => {
      const controller = new AbortController()
      const pending = consumer.get({ signal: controller.signal })
      pending.catch(() => undefined)
      controller.abort(new Payload(-1))
      return new WeakRef(controller)
    })()
    const getRef = (() => {
      const pending = consumer.get({ signal: longLived.signal })
      void buffer.put(new Payload(2))
      return new WeakRef(pending)
    })()
    expect(await collected(ref), 'the aborted get and its controller').toBe(true)
    expect(await collected(getRef), 'a served get').toBe(true)
    expect(listeners(longLived.signal)).toBe(0)
    await consumer.commit()
    await buffer.close()
  })

  it('rangeBatch with a wait clears its timer and listener when it ends', async () => {
    const timers = vi.getTimerCount()
    const longLived = new AbortController()
    const buffer = new BigBuffer<number>({ cooldown: 0 })
    const consumer = buffer.consumer()
    const batches: number[][] = []
    const done = rangeBatch(consumer, (values) => void batches.push(values), {
      maxSize: 10,
      maxWait: 100,
      signal: longLived.signal,
    })
    await buffer.put(1)
    await vi.advanceTimersByTimeAsync(10)
    expect(vi.getTimerCount() - timers, 'the gathering wait').toBe(1)
    void buffer.close()
    await done
    expect(batches).toEqual([[1]])
    expect(vi.getTimerCount()).toBe(timers)
    expect(listeners(longLived.signal)).toBe(0)
  })
})
