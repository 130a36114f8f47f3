/// <reference types="node" />
import { getEventListeners } from 'node:events'
import { ClosedError, isBigbuffError, NothingToCommitError } from '@bigbuff/core'
import { expectOneListenerPerSignal } from '@bigbuff/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { Chan } from './chan.js'
import { ChannelConsumer } from './channel-consumer.js'

async function drain<T>(consumer: ChannelConsumer<T>): Promise<T[]> {
  const values: T[] = []
  for (;;) {
    try {
      values.push(await consumer.get())
    } catch (error) {
      if (isBigbuffError(error, 'ERR_BIGBUFF_CLOSED')) return values
      throw error
    }
  }
}

async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false
  promise.then(
    () => (done = true),
    () => (done = true),
  )
  for (let i = 0; i < 10; i++) await Promise.resolve()
  return done
}

describe('ChannelConsumer over an Iterable', () => {
  it('ChannelConsumer.get() reads an array in order, then rejects ClosedError without closing', async () => {
    const consumer = new ChannelConsumer([1, undefined, 3])
    expect(await drain(consumer)).toEqual([1, undefined, 3])
    await expect(consumer.get()).rejects.toThrow('Cannot get: the source is exhausted')
    expect(consumer.closed).toBe(false)
    expect(consumer.pending).toBe(3)
  })

  it('ChannelConsumer.rollback() after exhaustion makes the values available again', async () => {
    const consumer = new ChannelConsumer(new Set(['a', 'b']))
    expect(await drain(consumer)).toEqual(['a', 'b'])
    await consumer.rollback()
    expect(await drain(consumer)).toEqual(['a', 'b'])
    await consumer.commit()
    expect(consumer.buffered()).toEqual([])
    await expect(consumer.get()).rejects.toBeInstanceOf(ClosedError)
  })

  it('ChannelConsumer reads a sync iterable lazily, one value per get()', async () => {
    let produced = 0
    function* source(): Generator<number> {
      for (;;) yield produced++
    }
    const consumer = new ChannelConsumer(source())
    expect(produced).toBe(0)
    expect(await consumer.get()).toBe(0)
    expect(await consumer.get()).toBe(1)
    expect(produced).toBe(2)
    expect(consumer.buffered()).toEqual([0, 1])
  })

  it('a sync source that throws rejects one get() with its error, then counts as exhausted', async () => {
    const failure = new Error('broken source')
    function* source(): Generator<number> {
      yield 1
      throw failure
    }
    const consumer = new ChannelConsumer(source())
    expect(await consumer.get()).toBe(1)
    await expect(consumer.get()).rejects.toBe(failure)
    await expect(consumer.get()).rejects.toBeInstanceOf(ClosedError)
    await consumer.rollback()
    expect(await consumer.get()).toBe(1)
  })

  it('ChannelConsumer.close() calls return() on a sync source iterator', async () => {
    const finished = vi.fn()
    function* source(): Generator<number> {
      try {
        yield 1
        yield 2
      } finally {
        finished()
      }
    }
    const consumer = new ChannelConsumer(source())
    expect(await consumer.get()).toBe(1)
    await consumer.close()
    expect(finished).toHaveBeenCalledOnce()
    expect(consumer.buffered()).toEqual([1])
  })

  it('ChannelConsumer.close() ignores an error thrown by the source iterator return()', async () => {
    const iterable: Iterable<number> = {
      [Symbol.iterator]: () => ({
        next: () => ({ value: 1, done: false }),
        return: () => {
          throw new Error('cannot return')
        },
      }),
    }
    const consumer = new ChannelConsumer(iterable)
    await consumer.get()
    await expect(consumer.close()).resolves.toBeUndefined()
  })

  it('ChannelConsumer.close() before any read opens no iterator', async () => {
    const open = vi.fn(() => [1][Symbol.iterator]())
    const consumer = new ChannelConsumer({ [Symbol.iterator]: open })
    await consumer.close()
    expect(open).not.toHaveBeenCalled()
    await expect(consumer.get()).rejects.toThrow('Cannot get: the consumer is closed')
  })
})

describe('ChannelConsumer over an AsyncIterable', () => {
  it('ChannelConsumer reads an async generator in order and ends with ClosedError', async () => {
    async function* source(): AsyncGenerator<number> {
      for (let i = 0; i < 3; i++) {
        await Promise.resolve()
        yield i
      }
    }
    const consumer = new ChannelConsumer(source())
    expect(await drain(consumer)).toEqual([0, 1, 2])
    expect(consumer.closed).toBe(false)
  })

  it('an aborted get() keeps the value the source produces for the next get()', async () => {
    vi.useFakeTimers()
    try {
      async function* source(): AsyncGenerator<string> {
        await new Promise((resolve) => setTimeout(resolve, 100))
        yield 'slow'
        yield 'next'
      }
      const consumer = new ChannelConsumer(source())
      const controller = new AbortController()
      const aborted = consumer.get({ signal: controller.signal })
      await vi.advanceTimersByTimeAsync(50)
      controller.abort('impatient')
      await expect(aborted).rejects.toBe('impatient')
      await vi.advanceTimersByTimeAsync(50)
      expect(consumer.buffered()).toEqual(['slow'])
      expect(consumer.pending).toBe(0)
      expect(await consumer.get()).toBe('slow')
      expect(await consumer.get()).toBe('next')
    } finally {
      vi.useRealTimers()
    }
  })

  it('an async source that throws rejects one get() with its error, the rest ClosedError', async () => {
    const failure = new Error('async failure')
    async function* source(): AsyncGenerator<number> {
      yield 1
      throw failure
    }
    const consumer = new ChannelConsumer(source())
    const gets = [consumer.get(), consumer.get(), consumer.get()]
    await expect(gets[0]).resolves.toBe(1)
    await expect(gets[1]).rejects.toBe(failure)
    await expect(gets[2]).rejects.toBeInstanceOf(ClosedError)
  })

  it('an async source error with no get() waiting goes to the next get()', async () => {
    const failure = new Error('nobody was waiting')
    let fail!: () => void
    const iterable: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({
        next: () => new Promise<IteratorResult<number>>((_, reject) => (fail = () => reject(failure))),
      }),
    }
    const consumer = new ChannelConsumer(iterable)
    const aborted = consumer.get({ signal: AbortSignal.abort() })
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' })
    const controller = new AbortController()
    const waiting = consumer.get({ signal: controller.signal })
    controller.abort()
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' })
    fail()
    await settled(Promise.resolve())
    await expect(consumer.get()).rejects.toBe(failure)
    await expect(consumer.get()).rejects.toBeInstanceOf(ClosedError)
  })

  it('a source iterator next() that throws synchronously rejects the get() with that error', async () => {
    const failure = new Error('sync throw from an async iterator')
    const iterable: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({
        next: () => {
          throw failure
        },
      }),
    }
    const consumer = new ChannelConsumer(iterable)
    await expect(consumer.get()).rejects.toBe(failure)
    await expect(consumer.get()).rejects.toBeInstanceOf(ClosedError)
  })

  it('a source iterator whose next() resolves a non-object rejects the get() with TypeError', async () => {
    const iterable = {
      [Symbol.asyncIterator]: () => ({ next: async () => 42 }),
    } as unknown as AsyncIterable<number>
    const consumer = new ChannelConsumer(iterable)
    await expect(consumer.get()).rejects.toThrow(
      'Cannot get: the source iterator must return an object, received 42',
    )
  })

  it('concurrent get()s over an async source are served in call order', async () => {
    const chan = new Chan<number>()
    async function* source(): AsyncGenerator<number> {
      yield* chan
    }
    const consumer = new ChannelConsumer(source())
    const gets = [consumer.get(), consumer.get(), consumer.get()]
    for (const value of [10, 20, 30]) await chan.send(value)
    expect(await Promise.all(gets)).toEqual([10, 20, 30])
  })

  it('ChannelConsumer.close() calls return() on a suspended async generator and waits for it', async () => {
    const finished = vi.fn()
    async function* source(): AsyncGenerator<number> {
      try {
        yield 1
        yield 2
      } finally {
        await Promise.resolve()
        finished()
      }
    }
    const consumer = new ChannelConsumer(source())
    expect(await consumer.get()).toBe(1)
    await consumer.close()
    expect(finished).toHaveBeenCalledOnce()
    await expect(consumer.commit()).rejects.toThrow('Cannot commit: the consumer is closed')
    expect(consumer.pending).toBe(1)
    await consumer.rollback()
    expect(consumer.pending).toBe(0)
    await expect(consumer.get()).rejects.toBeInstanceOf(ClosedError)
    expect(consumer.buffered()).toEqual([1])
  })

  it('an error from a read in flight at close() is dropped, not reported as unhandled', async () => {
    let fail!: () => void
    async function* source(): AsyncGenerator<string> {
      await new Promise<void>((resolve) => (fail = resolve))
      throw new Error('after close')
    }
    const consumer = new ChannelConsumer(source())
    const waiting = consumer.get()
    await settled(Promise.resolve())
    await consumer.close()
    await expect(waiting).rejects.toBeInstanceOf(ClosedError)
    fail()
    await settled(Promise.resolve())
    expect(consumer.buffered()).toEqual([])
    await expect(consumer.get()).rejects.toBeInstanceOf(ClosedError)
  })

  it('ChannelConsumer.close() during a read does not wait for it; the value it produces goes to buffered()', async () => {
    let release!: () => void
    const finished = vi.fn()
    async function* source(): AsyncGenerator<string> {
      try {
        await new Promise<void>((resolve) => (release = resolve))
        yield 'late'
      } finally {
        finished()
      }
    }
    const consumer = new ChannelConsumer(source())
    const waiting = consumer.get()
    await settled(Promise.resolve())
    await consumer.close()
    await expect(waiting).rejects.toBeInstanceOf(ClosedError)
    expect(finished).not.toHaveBeenCalled()
    release()
    await vi.waitFor(() => expect(finished).toHaveBeenCalledOnce())
    expect(consumer.buffered()).toEqual(['late'])
    await expect(consumer.get()).rejects.toBeInstanceOf(ClosedError)
  })
})

describe('ChannelConsumer over a Chan', () => {
  it('ChannelConsumer reads a Chan until it is closed and drained; the Chan stays open on close()', async () => {
    const chan = new Chan<number>(4)
    const consumer = new ChannelConsumer(chan)
    chan.trySend(1)
    chan.trySend(2)
    expect(await consumer.get()).toBe(1)
    await consumer.commit()
    chan.close()
    expect(await drain(consumer)).toEqual([2])

    const open = new Chan<number>()
    const other = new ChannelConsumer(open)
    await other.close()
    expect(open.closed).toBe(false)
  })

  it('ChannelConsumer.close() cancels its waiting receive: the next value stays in the Chan', async () => {
    const chan = new Chan<number>()
    const consumer = new ChannelConsumer(chan)
    const waiting = consumer.get()
    await consumer.close()
    await expect(waiting).rejects.toBeInstanceOf(ClosedError)
    expect(chan.trySend(1)).toBe(false)
    const sent = chan.send(1)
    expect(chan.tryReceive()).toEqual({ state: 'ok', value: 1 })
    await sent
    expect(consumer.buffered()).toEqual([])
  })

  it('an aborted get() over a Chan keeps the value that arrives for the next get()', async () => {
    const chan = new Chan<number>()
    const consumer = new ChannelConsumer(chan)
    const controller = new AbortController()
    const aborted = consumer.get({ signal: controller.signal })
    controller.abort('gone')
    await expect(aborted).rejects.toBe('gone')
    await chan.send(7)
    expect(consumer.buffered()).toEqual([7])
    expect(await consumer.get()).toBe(7)
    await expect(consumer.commit()).resolves.toBeUndefined()
    await expect(consumer.commit()).rejects.toBeInstanceOf(NothingToCommitError)
  })
})

describe('ChannelConsumer lifecycle and bad input', () => {
  it('an aborted constructor signal closes the consumer and rejects waiting get()s', async () => {
    const controller = new AbortController()
    const consumer = new ChannelConsumer(new Chan<number>(), { signal: controller.signal })
    const waiting = consumer.get()
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1)
    controller.abort()
    expect(consumer.closed).toBe(true)
    await expect(waiting).rejects.toBeInstanceOf(ClosedError)
    await consumer.done
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })

  it('an already aborted constructor signal gives a closed consumer', async () => {
    const consumer = new ChannelConsumer([1], { signal: AbortSignal.abort() })
    expect(consumer.closed).toBe(true)
    await consumer.done
    await expect(consumer.get()).rejects.toBeInstanceOf(ClosedError)
  })

  it('close() removes the constructor signal listener', async () => {
    const controller = new AbortController()
    const consumer = new ChannelConsumer([1], { signal: controller.signal })
    await consumer.close()
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })

  it.each([
    [42, '42'],
    [null, 'null'],
    [{}, '[object Object]'],
    [{ [Symbol.iterator]: 1 }, '[object Object]'],
  ])('new ChannelConsumer(%s) throws TypeError for a non-iterable source', (source, shown) => {
    expect(() => new ChannelConsumer(source as never)).toThrow(TypeError)
    expect(() => new ChannelConsumer(source as never)).toThrow(
      `Cannot create channel consumer: source must be a Chan, an AsyncIterable or an Iterable, received ${shown}`,
    )
  })

  it('new ChannelConsumer() throws TypeError for bad options', () => {
    expect(() => new ChannelConsumer([], 1 as never)).toThrow(TypeError)
    expect(() => new ChannelConsumer([], { signal: 'no' as never })).toThrow(
      'Cannot create channel consumer: signal must be an AbortSignal, received "no"',
    )
  })

  it('ChannelConsumer.get() rejects TypeError for bad options and reads nothing', async () => {
    const consumer = new ChannelConsumer([1])
    await expect(consumer.get('x' as never)).rejects.toThrow(TypeError)
    expect(consumer.buffered()).toEqual([])
    expect(await consumer.get()).toBe(1)
  })
})

describe('ChannelConsumer and one shared signal', () => {
  it('10,000 get() waiting on one signal add one abort listener and print no warning', async () => {
    const chan = new Chan<number>()
    const consumer = new ChannelConsumer(chan)
    await expectOneListenerPerSignal((signal) => consumer.get({ signal }))
    // Nothing was lost: the value sent now goes to the next get().
    const next = consumer.get()
    await chan.send(7)
    await expect(next).resolves.toBe(7)
    await consumer.close()
  })
})
