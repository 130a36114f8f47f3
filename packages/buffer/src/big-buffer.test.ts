/// <reference types="node" />
import { getEventListeners } from 'node:events'
import { ClosedError, type Consumer, ConsumerBehindError } from '@bigbuff/core'
import { describe, expect, it } from 'vitest'
import { BigBuffer } from './big-buffer.js'
import { DEFAULT_CLEANER_COOLDOWN, defaultCleaner, fixedBufferCleaner } from './cleaner.js'

/** A buffer that cleans on every change, so drops are visible at once. */
function eager<T>(max?: number, target?: number): BigBuffer<T> {
  return new BigBuffer<T>({
    cooldown: 0,
    ...(max === undefined ? {} : { cleaner: fixedBufferCleaner(max, target ?? 0) }),
  })
}

async function read<T>(consumer: Consumer<T>, count: number): Promise<T[]> {
  const values: T[] = []
  for (let i = 0; i < count; i++) values.push(await consumer.get())
  return values
}

describe('BigBuffer put and putAll', () => {
  it('BigBuffer.put() appends any value, undefined included, and slice() copies them', async () => {
    const buffer = new BigBuffer<unknown>()
    await buffer.put(undefined)
    await buffer.put(null)
    await buffer.put(1)
    const copy = buffer.slice()
    expect(copy).toEqual([undefined, null, 1])
    copy.push('not in the buffer')
    expect(buffer.slice()).toHaveLength(3)
    expect(buffer.size).toBe(3)
  })

  it('BigBuffer.putAll() appends the values contiguously and in order', async () => {
    const buffer = new BigBuffer<number>()
    await Promise.all([buffer.putAll([1, 2, 3]), buffer.put(4), buffer.putAll(new Set([5, 6]))])
    expect(buffer.slice()).toEqual([1, 2, 3, 4, 5, 6])
    await buffer.putAll([])
    expect(buffer.size).toBe(6)
  })

  it('BigBuffer.putAll() reads the iterable fully first: if it throws, nothing is appended', async () => {
    const buffer = new BigBuffer<number>()
    const failure = new Error('iteration failed')
    function* values(): Generator<number> {
      yield 1
      throw failure
    }
    await expect(buffer.putAll(values())).rejects.toBe(failure)
    expect(buffer.size).toBe(0)
  })

  it('BigBuffer.put() and putAll() reject ClosedError after close() and append nothing', async () => {
    const buffer = new BigBuffer<number>()
    await buffer.put(1)
    await buffer.close()
    await expect(buffer.put(2)).rejects.toBeInstanceOf(ClosedError)
    await expect(buffer.putAll([3])).rejects.toBeInstanceOf(ClosedError)
    expect(buffer.slice()).toEqual([1])
  })

  it('BigBuffer.put() and putAll() reject an aborted signal with its reason and append nothing', async () => {
    const buffer = new BigBuffer<number>()
    const signal = AbortSignal.abort(new Error('aborted'))
    await expect(buffer.put(1, { signal })).rejects.toBe(signal.reason)
    await expect(buffer.putAll([1], { signal })).rejects.toBe(signal.reason)
    expect(buffer.size).toBe(0)
    await buffer.put(2, { signal: new AbortController().signal })
    expect(buffer.slice()).toEqual([2])
  })

  it('BigBuffer.put() from inside a consumer loop never deadlocks', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.put(1)
    const seen: number[] = []
    await buffer.range(consumer, async (value) => {
      seen.push(value)
      if (value < 5) await buffer.put(value + 1)
    })
    expect(seen).toEqual([1, 2, 3, 4, 5])
  })
})

describe('BigBuffer consumers', () => {
  it('every consumer reads every value, at its own pace', async () => {
    const buffer = new BigBuffer<string>()
    const fast = buffer.consumer()
    const slow = buffer.consumer()
    await buffer.putAll(['a', 'b', 'c'])
    expect(await read(fast, 3)).toEqual(['a', 'b', 'c'])
    await fast.commit()
    expect(await read(slow, 1)).toEqual(['a'])
    expect(buffer.consumers).toBe(2)
  })

  it('a waiting get() is woken by the next put, on every consumer that waits', async () => {
    const buffer = new BigBuffer<number>()
    const first = buffer.consumer()
    const second = buffer.consumer()
    const waiting = [first.get(), second.get(), first.get()]
    await buffer.put(1)
    await buffer.put(2)
    expect(await Promise.all(waiting)).toEqual([1, 1, 2])
  })

  it('BigBuffer.consumer() starts at the oldest retained value', async () => {
    const buffer = eager<number>()
    const early = buffer.consumer()
    await buffer.putAll([1, 2, 3])
    await read(early, 2)
    await early.commit()
    expect(buffer.slice()).toEqual([3])
    const late = buffer.consumer()
    expect(await late.get()).toBe(3)
  })

  it('BigBuffer.consumer() throws ClosedError once the buffer is closed', async () => {
    const buffer = new BigBuffer<number>()
    buffer.close()
    expect(() => buffer.consumer()).toThrow(ClosedError)
  })

  it('rollback() with a get() waiting hands it the first redelivered value', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.putAll([1, 2])
    await read(consumer, 2)
    const waiting = consumer.get()
    await consumer.rollback()
    expect(await waiting).toBe(1)
    expect(await consumer.get()).toBe(2)
  })

  it('commit() and rollback() reject ClosedError once the consumer has finished closing', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await consumer.close()
    await expect(consumer.commit()).rejects.toBeInstanceOf(ClosedError)
    await expect(consumer.rollback()).rejects.toBeInstanceOf(ClosedError)
  })

  it('get() removes its abort listener when it settles, so a long-lived signal does not grow', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    const { signal } = new AbortController()
    for (let i = 0; i < 50; i++) {
      const got = consumer.get({ signal })
      await buffer.put(i)
      await got
    }
    await consumer.commit()
    const waiting = consumer.get({ signal }).catch((e: unknown) => e)
    expect(getEventListeners(signal, 'abort')).toHaveLength(1)
    await consumer.close()
    expect(await waiting).toBeInstanceOf(ClosedError)
    expect(getEventListeners(signal, 'abort')).toHaveLength(0)
  })

  it('get() rejects TypeError for malformed options without consuming', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.put(1)
    await expect(consumer.get(42 as never)).rejects.toThrow(
      'Cannot get from consumer: options must be an object, received 42',
    )
    await expect(consumer.get({ signal: 'no' as never })).rejects.toBeInstanceOf(TypeError)
    expect(await consumer.get()).toBe(1)
  })
})

describe('BigBuffer forced trims', () => {
  it('get() rejects ConsumerBehindError with offset and behind when a cleaner dropped its values', async () => {
    const buffer = eager<number>(4, 2)
    const consumer = buffer.consumer()
    await buffer.putAll([0, 1, 2, 3, 4])
    expect(buffer.slice()).toEqual([3, 4])
    const error = await consumer.get().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConsumerBehindError)
    expect(error).toMatchObject({ offset: 0, behind: 3 })
    expect(buffer.diff(consumer)).toBe(-3)
  })

  it('a rollback behind a forced trim rejects the waiting get()s with ConsumerBehindError', async () => {
    const buffer = eager<number>()
    const consumer = buffer.consumer()
    await buffer.putAll([0, 1, 2])
    await read(consumer, 3)
    const next = consumer.get()
    const after = consumer.get()
    const rejections = [next.catch((e: unknown) => e), after.catch((e: unknown) => e)]
    buffer.setCleanerConfig({ cleaner: (size) => size, cooldown: 0 })
    buffer.consumer()
    expect(buffer.size).toBe(0)
    await consumer.rollback()
    const [first, second] = await Promise.all(rejections)
    expect(first).toMatchObject({ name: 'ConsumerBehindError', offset: 0, behind: 3 })
    expect(second).toBeInstanceOf(ConsumerBehindError)
    expect(buffer.diff(consumer)).toBe(-3)
  })
})

describe('BigBuffer.diff()', () => {
  it('counts the retained values a consumer has not read; uncommitted reads count as read', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    expect(buffer.diff(consumer)).toBe(0)
    await buffer.putAll([1, 2, 3])
    expect(buffer.diff(consumer)).toBe(3)
    await consumer.get()
    expect(buffer.diff(consumer)).toBe(2)
    await consumer.rollback()
    expect(buffer.diff(consumer)).toBe(3)
  })

  it('is undefined once the consumer has finished closing, and counts a closing one', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.putAll([1, 2])
    await consumer.get()
    const closing = consumer.close()
    expect(buffer.diff(consumer)).toBe(1)
    expect(buffer.consumers).toBe(1)
    await consumer.commit()
    await closing
    expect(buffer.diff(consumer)).toBeUndefined()
    expect(buffer.consumers).toBe(0)
  })

  it('throws TypeError for a consumer of another buffer or a non-consumer', () => {
    const buffer = new BigBuffer<number>()
    const other = new BigBuffer<number>().consumer()
    expect(() => buffer.diff(other)).toThrow(
      'Cannot diff consumer: consumer must be created by this buffer, received [object Object]',
    )
    expect(() => buffer.diff(null as never)).toThrow(TypeError)
    expect(() => buffer.diff({ get() {} } as never)).toThrow(TypeError)
  })
})

describe('BigBuffer.range()', () => {
  it('reads and commits until caught up, including values appended meanwhile, then resolves', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.putAll([1, 2])
    const seen: [number, number][] = []
    await buffer.range(consumer, (value, index) => {
      seen.push([value, index])
      if (value === 2) void buffer.put(3)
    })
    expect(seen).toEqual([
      [1, 0],
      [2, 1],
      [3, 2],
    ])
    expect(consumer.pending).toBe(0)
    expect(buffer.diff(consumer)).toBe(0)
    await expect(consumer.rollback()).rejects.toMatchObject({ name: 'NothingToRollbackError' })
  })

  it('resolves at once without calling fn when diff(consumer) <= 0', async () => {
    const buffer = eager<number>(1, 0)
    const consumer = buffer.consumer()
    let calls = 0
    await buffer.range(consumer, () => void calls++)
    await buffer.putAll([1, 2])
    expect(buffer.diff(consumer)).toBe(-2)
    await buffer.range(consumer, () => void calls++)
    expect(calls).toBe(0)
  })

  it('stops after committing the value for which fn returns false', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.putAll([1, 2, 3])
    await buffer.range(consumer, (value) => value !== 2)
    expect(await consumer.get()).toBe(3)
    await consumer.rollback()
    expect(buffer.diff(consumer)).toBe(1)
  })

  it('rolls back and rejects with the error fn threw', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.putAll([1, 2])
    const failure = new Error('fn failed')
    await expect(
      buffer.range(consumer, async (value) => {
        if (value === 2) throw failure
      }),
    ).rejects.toBe(failure)
    expect(consumer.pending).toBe(0)
    expect(await consumer.get()).toBe(2)
  })

  it('resolves when the consumer is closed mid-range', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.putAll([1, 2, 3])
    const seen: number[] = []
    await buffer.range(consumer, (value) => {
      seen.push(value)
      void consumer.close()
    })
    expect(seen).toEqual([1])
    await consumer.done
  })

  it('rejects with the signal reason, rolling back, when the signal aborts', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.putAll([1, 2])
    const controller = new AbortController()
    await expect(
      buffer.range(consumer, () => controller.abort('stop'), { signal: controller.signal }),
    ).rejects.toBe('stop')
    expect(await consumer.get()).toBe(2)
  })

  it('rejects TypeError for a consumer of another buffer, a non-function fn or bad options', async () => {
    const buffer = new BigBuffer<number>()
    await buffer.put(1)
    const other = new BigBuffer<number>().consumer()
    await expect(buffer.range(other, () => {})).rejects.toThrow(
      'Cannot range over consumer: consumer must be created by this buffer',
    )
    const own = buffer.consumer()
    await expect(buffer.range(own, 'fn' as never)).rejects.toThrow(
      'Cannot range over consumer: fn must be a function, received "fn"',
    )
    await expect(buffer.range(own, () => {}, { signal: {} as never })).rejects.toBeInstanceOf(TypeError)
    expect(own.pending).toBe(0)
    expect(buffer.diff(own)).toBe(1)
  })
})

describe('BigBuffer close', () => {
  it('close() is idempotent, returns done, and sets closed at once', async () => {
    const buffer = new BigBuffer<number>()
    expect(buffer.closed).toBe(false)
    const closing = buffer.close()
    expect(buffer.closed).toBe(true)
    expect(buffer.close()).toBe(closing)
    expect(buffer.done).toBe(closing)
    expect(buffer.done).toBe(buffer.done)
    await closing
  })

  it('close() closes every consumer and rejects their waiting get()s', async () => {
    const buffer = new BigBuffer<number>()
    const consumers = [buffer.consumer(), buffer.consumer()]
    const waiting = consumers.map((consumer) => consumer.get())
    await buffer.close()
    for (const consumer of consumers) expect(consumer.closed).toBe(true)
    for (const get of waiting) await expect(get).rejects.toBeInstanceOf(ClosedError)
    expect(buffer.consumers).toBe(0)
  })

  it('close() stays pending while a consumer holds uncommitted reads, until they are committed', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.putAll([1, 2])
    await consumer.get()
    let finished = false
    const closing = buffer.close().then(() => {
      finished = true
    })
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(finished).toBe(false)
    expect(buffer.consumers).toBe(1)
    await consumer.commit()
    await closing
    expect(finished).toBe(true)
    expect(buffer.slice()).toEqual([1, 2])
    expect(buffer.size).toBe(2)
  })

  it('await using closes the buffer at the end of the block', async () => {
    let escaped: BigBuffer<number> | undefined
    {
      await using buffer = new BigBuffer<number>()
      await buffer.put(1)
      escaped = buffer
    }
    expect(escaped.closed).toBe(true)
    await expect(escaped.put(2)).rejects.toBeInstanceOf(ClosedError)
  })
})

describe('BigBuffer bad input', () => {
  it.each([
    ['a non-object options', 'x', TypeError, 'options must be an object, received "x"'],
    ['a non-function cleaner', { cleaner: 5 }, TypeError, 'cleaner must be a function, received 5'],
    [
      'a non-number cooldown',
      { cooldown: '5' },
      TypeError,
      'cooldown must be a number of milliseconds, received "5"',
    ],
    [
      'a negative cooldown',
      { cooldown: -1 },
      RangeError,
      'cooldown must be a finite number ≥ 0, received -1',
    ],
    [
      'a NaN cooldown',
      { cooldown: Number.NaN },
      RangeError,
      'cooldown must be a finite number ≥ 0, received NaN',
    ],
    [
      'an infinite cooldown',
      { cooldown: Number.POSITIVE_INFINITY },
      RangeError,
      'cooldown must be a finite number ≥ 0, received Infinity',
    ],
    ['a non-function onError', { onError: true }, TypeError, 'onError must be a function, received true'],
    ['a null cleaner', { cleaner: null }, TypeError, 'cleaner must be a function, received null'],
    [
      'a null cooldown',
      { cooldown: null },
      TypeError,
      'cooldown must be a number of milliseconds, received null',
    ],
    ['a null onError', { onError: null }, TypeError, 'onError must be a function, received null'],
  ])('new BigBuffer() throws for %s', (_, options, type, message) => {
    expect(() => new BigBuffer(options as never)).toThrow(type)
    expect(() => new BigBuffer(options as never)).toThrow(`Cannot create buffer: ${message}`)
  })

  it('new BigBuffer() takes an option given as undefined for its default', () => {
    const buffer = new BigBuffer({ cleaner: undefined, cooldown: undefined, onError: undefined } as never)
    expect(buffer.cleanerConfig).toEqual({ cleaner: defaultCleaner, cooldown: DEFAULT_CLEANER_COOLDOWN })
  })

  it('putAll() rejects TypeError for a non-iterable', async () => {
    const buffer = new BigBuffer<number>()
    await expect(buffer.putAll(5 as never)).rejects.toThrow(
      'Cannot put values: values must be iterable, received 5',
    )
    await expect(buffer.put(1, { signal: 1 } as never)).rejects.toBeInstanceOf(TypeError)
    expect(buffer.size).toBe(0)
  })
})
