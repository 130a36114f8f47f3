/// <reference types="node" />
import { ClosedError, isBigbuffError } from '@bigbuff/core'
import { describe, expect, it, vi } from 'vitest'
import {
  groupConsumers,
  keyOf,
  openStream,
  redisUrl,
  storedTexts,
  uniqueKey,
  until,
} from '../test/helpers.js'
import { RedisStream } from './index.js'

const values = (count: number, from = 0): number[] => Array.from({ length: count }, (_, i) => from + i)

async function drain<T>(
  consumer: { get(): Promise<T>; commit(): Promise<void> },
  count: number,
): Promise<T[]> {
  const out: T[] = []
  for (let i = 0; i < count; i++) out.push(await consumer.get())
  if (count > 0) await consumer.commit()
  return out
}

describe('new RedisStream()', () => {
  it.each([
    ['options that are not an object', null, TypeError, 'options must be an object'],
    ['a missing stream', {}, TypeError, 'stream must be a non-empty string'],
    ['an empty stream', { stream: '' }, TypeError, 'stream must be a non-empty string'],
    ['a url that is not a string', { stream: 's', url: 6379 }, TypeError, 'url must be a redis'],
    ['an http url', { stream: 's', url: 'http://localhost' }, TypeError, 'url must be a redis'],
    ['a url that does not parse', { stream: 's', url: 'not a url' }, TypeError, 'url must be a redis'],
    ['a codec without decode', { stream: 's', codec: { encode: String } }, TypeError, 'codec must be'],
    ['a codec that is not an object', { stream: 's', codec: 'json' }, TypeError, 'codec must be'],
    ['a maxLength of 0', { stream: 's', maxLength: 0 }, RangeError, 'maxLength must be a positive integer'],
    [
      'a maxLength of 1.5',
      { stream: 's', maxLength: 1.5 },
      RangeError,
      'maxLength must be a positive integer',
    ],
    [
      'a maxLength string',
      { stream: 's', maxLength: '10' },
      TypeError,
      'maxLength must be a positive integer',
    ],
    ['a negative trimInterval', { stream: 's', trimInterval: -1 }, RangeError, 'trimInterval must be'],
    ['an infinite trimInterval', { stream: 's', trimInterval: Infinity }, RangeError, 'trimInterval must be'],
  ])('throws for %s', (_, options, type, message) => {
    const create = () => new RedisStream(options as never)
    expect(create).toThrow(type)
    expect(create).toThrow(`Cannot create RedisStream: ${message}`)
  })

  it('connects lazily: constructing and closing a stream never touches Redis', async () => {
    const stream = new RedisStream({ stream: 'never', url: 'redis://127.0.0.1:1', trimInterval: 0 })
    await stream.close()
    expect(stream.closed).toBe(true)
  })
})

describe('RedisStream.put() and putAll()', () => {
  it('put() appends one entry per value, in order, as JSON by default', async () => {
    const stream = openStream<unknown>()
    await stream.put({ a: 1 })
    await stream.put('two')
    await stream.put(null)
    expect(await storedTexts(keyOf(stream))).toEqual(['{"a":1}', '"two"', 'null'])
    await expect(stream.put(4)).resolves.toBeUndefined()
  })

  it('putAll() appends its values contiguously even when puts from elsewhere interleave', async () => {
    const key = uniqueKey()
    const a = openStream<number>({ stream: key })
    const b = openStream<number>({ stream: key })
    await Promise.all([a.putAll(values(200, 0)), b.putAll(values(200, 1000)), a.put(-1), b.put(-2)])
    const stored = (await storedTexts(key)).map(Number)
    expect(stored).toHaveLength(402)
    for (const from of [0, 1000]) {
      const start = stored.indexOf(from)
      expect(stored.slice(start, start + 200)).toEqual(values(200, from))
    }
  })

  it('putAll() of nothing resolves without appending; it reads any iterable', async () => {
    const stream = openStream<number>()
    await stream.putAll([])
    expect(await stream.size()).toBe(0)
    await stream.putAll(new Set([1, 2]).values())
    expect(await stream.size()).toBe(2)
  })

  it('the default codec rejects undefined with TypeError and appends nothing', async () => {
    const stream = openStream<unknown>()
    await expect(stream.put(undefined)).rejects.toThrow(TypeError)
    await expect(stream.put(undefined)).rejects.toThrow('Cannot put: the default JSON codec cannot represent')
    await expect(stream.putAll([1, undefined, 3])).rejects.toThrow(TypeError)
    await expect(stream.put(() => 1)).rejects.toThrow(TypeError)
    expect(await stream.size()).toBe(0)
  })

  it('a custom codec stores and restores values, and must return a string', async () => {
    const codec = {
      encode: (value: Date) => String(value.getTime()),
      decode: (text: string) => new Date(Number(text)),
    }
    const stream = openStream<Date>({ codec })
    const consumer = stream.consumer('dates')
    await stream.put(new Date(5))
    expect(await storedTexts(keyOf(stream))).toEqual(['5'])
    expect(await consumer.get()).toEqual(new Date(5))
    const bad = openStream<number>({ codec: { encode: (value: number) => value as never, decode: Number } })
    await expect(bad.put(1)).rejects.toThrow('Cannot put: codec.encode must return a string, received 1')
  })

  it('a codec error passes through unchanged', async () => {
    const failure = new Error('cannot encode')
    const stream = openStream<number>({
      codec: {
        encode: () => {
          throw failure
        },
        decode: Number,
      },
    })
    await expect(stream.put(1)).rejects.toBe(failure)
    await expect(stream.putAll([1])).rejects.toBe(failure)
  })

  it('reject (never throw) bad arguments', async () => {
    const stream = openStream<number>()
    expect(() => stream.putAll(5 as never).catch(() => {})).not.toThrow()
    await expect(stream.putAll(5 as never)).rejects.toThrow(
      'Cannot putAll: values must be iterable, received 5',
    )
    await expect(stream.put(1, 'x' as never)).rejects.toThrow(TypeError)
    await expect(stream.put(1, { signal: 'x' as never })).rejects.toThrow('signal must be an AbortSignal')
    expect(await stream.size()).toBe(0)
  })

  it('reject with the reason of an already aborted signal and append nothing', async () => {
    const stream = openStream<number>()
    const reason = new Error('aborted')
    const signal = AbortSignal.abort(reason)
    await expect(stream.put(1, { signal })).rejects.toBe(reason)
    await expect(stream.putAll([1, 2], { signal })).rejects.toBe(reason)
    await expect(stream.size({ signal })).rejects.toBe(reason)
    await expect(stream.trim({ signal })).rejects.toBe(reason)
    expect(await stream.size()).toBe(0)
  })

  it('a signal aborted while the connection is being opened cancels the put: nothing is appended', async () => {
    const stream = openStream<number>()
    const controller = new AbortController()
    const putting = stream.put(1, { signal: controller.signal })
    const puttingAll = stream.putAll([2, 3], { signal: controller.signal })
    const kept = stream.put(4)
    controller.abort('changed my mind')
    await expect(putting).rejects.toBe('changed my mind')
    await expect(puttingAll).rejects.toBe('changed my mind')
    await kept
    expect(await storedTexts(keyOf(stream))).toEqual(['4'])
  })

  it('maxLength caps the stream approximately (whole nodes), dropping the oldest entries', async () => {
    const stream = openStream<number>({ maxLength: 10 })
    for (let i = 0; i < 5; i++) await stream.putAll(values(100, i * 100))
    await stream.put(500)
    const size = await stream.size()
    expect(size).toBeLessThan(300)
    expect(size).toBeGreaterThanOrEqual(10)
    const stored = (await storedTexts(keyOf(stream))).map(Number)
    expect(stored).toEqual(values(size, 501 - size))
  })
})

describe('RedisStream.size() and trim()', () => {
  it('reject (never throw) bad options', async () => {
    const stream = openStream()
    await expect(stream.size(1 as never)).rejects.toThrow(
      'Cannot size: options must be an object, received 1',
    )
    await expect(stream.trim({ signal: 1 as never })).rejects.toThrow(TypeError)
  })

  it('size() is 0 for a stream that does not exist yet', async () => {
    expect(await openStream().size()).toBe(0)
  })

  it('trim() deletes nothing while no consumer name exists', async () => {
    const stream = openStream<number>()
    await stream.putAll(values(10))
    expect(await stream.trim()).toBe(0)
    expect(await stream.size()).toBe(10)
  })

  it('fan-out: three names each read all of 10,000 values, then trim() leaves the stream empty', async () => {
    const stream = openStream<number>()
    const names = ['a', 'b', 'c'].map((name) => stream.consumer(name))
    await stream.putAll(values(10_000))
    const read = await Promise.all(
      names.map(async (consumer) => {
        const got: number[] = []
        while (got.length < 10_000) {
          got.push(await consumer.get())
          if (got.length % 500 === 0) await consumer.commit()
        }
        return got
      }),
    )
    for (const got of read) expect(got).toEqual(values(10_000))
    expect(await stream.trim()).toBe(10_000)
    expect(await stream.size()).toBe(0)
  })

  it('trim() keeps what a lagging name has not acknowledged, pending or unread', async () => {
    const stream = openStream<number>()
    const fast = stream.consumer('fast')
    const slow = stream.consumer('slow')
    await stream.putAll(values(10))
    expect(await drain(fast, 10)).toEqual(values(10))
    expect(await drain(slow, 3)).toEqual(values(3))
    expect(await slow.get()).toBe(3)
    expect(await stream.trim()).toBe(3)
    expect((await storedTexts(keyOf(stream))).map(Number)).toEqual(values(7, 3))
    await slow.commit()
    expect(await stream.trim()).toBe(1)
    expect(await drain(slow, 6)).toEqual(values(6, 4))
    expect(await stream.trim()).toBe(6)
    expect(await stream.size()).toBe(0)
  })

  it('trim() keeps what a name that has not started reading has not seen', async () => {
    const stream = openStream<number>()
    const reader = stream.consumer('reader')
    await stream.putAll(values(5))
    stream.consumer('idle')
    expect(await drain(reader, 5)).toEqual(values(5))
    expect(await stream.trim()).toBe(0)
  })

  it('the retention pass runs every trimInterval ms while the stream is open', async () => {
    const stream = openStream<number>({ trimInterval: 20 })
    const consumer = stream.consumer('reader')
    await stream.putAll(values(5))
    await drain(consumer, 5)
    await until(async () => (await stream.size()) === 0)
    await stream.put(5)
    expect(await stream.size()).toBe(1)
  })

  it('the retention pass runs every second by default', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    try {
      const key = uniqueKey()
      const stream = new RedisStream<number>({ stream: key, url: redisUrl })
      const consumer = stream.consumer('reader')
      await stream.putAll(values(5))
      await drain(consumer, 5)
      vi.advanceTimersByTime(999)
      // size() goes over the same connection, behind any pass already sent.
      expect(await stream.size()).toBe(5)
      vi.advanceTimersByTime(1)
      vi.advanceTimersByTime(1000)
      await until(async () => (await stream.size()) === 0)
      await stream.close()
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('RedisStream.consumer()', () => {
  it.each([
    ['a name that is not a string', 1, undefined, TypeError, 'name must be a non-empty string'],
    ['an empty name', '', undefined, TypeError, 'name must be a non-empty string'],
    ['options that are not an object', 'n', 5, TypeError, 'options must be an object'],
    ['an unknown start', 'n', { start: 'newest' }, TypeError, "start must be 'oldest' or 'latest'"],
    ['an empty instance', 'n', { instance: '' }, TypeError, 'instance must be a non-empty string'],
    ['a numeric instance', 'n', { instance: 7 }, TypeError, 'instance must be a non-empty string'],
    ['a negative claimIdle', 'n', { claimIdle: -1 }, RangeError, 'claimIdle must be'],
    ['a claimIdle string', 'n', { claimIdle: '5' }, TypeError, 'claimIdle must be'],
  ])('throws for %s', (_, name, options, type, message) => {
    const stream = openStream()
    const open = () => stream.consumer(name as never, options as never)
    expect(open).toThrow(type)
    expect(open).toThrow(`Cannot open consumer: ${message}`)
  })

  it("start 'oldest' (the default) reads what was put before; 'latest' only what comes after", async () => {
    const stream = openStream<number>()
    await stream.putAll([1, 2])
    const oldest = stream.consumer('oldest')
    const latest = stream.consumer('latest', { start: 'latest' })
    await stream.put(3)
    expect(await drain(oldest, 3)).toEqual([1, 2, 3])
    expect(await drain(latest, 1)).toEqual([3])
  })

  it('start only matters for a new name: an existing name continues where it committed', async () => {
    const stream = openStream<number>()
    await stream.putAll([1, 2, 3])
    const first = stream.consumer('name')
    expect(await drain(first, 1)).toEqual([1])
    await first.close()
    const again = stream.consumer('name', { start: 'latest' })
    expect(await drain(again, 2)).toEqual([2, 3])
  })

  it('fan-out: separate names each read every value', async () => {
    const stream = openStream<number>()
    const a = stream.consumer('a')
    const b = stream.consumer('b')
    await stream.putAll(values(5))
    expect(await drain(a, 5)).toEqual(values(5))
    expect(await drain(b, 5)).toEqual(values(5))
  })

  it('scale-out: instances of one name share its values, each value going to one, each in order', async () => {
    const stream = openStream<number>()
    const instances = [
      stream.consumer('shared', { instance: 'one' }),
      stream.consumer('shared', { instance: 'two' }),
    ]
    const total = 150
    const got: number[][] = [[], []]
    let count = 0
    const reading = instances.map(async (consumer, i) => {
      for (;;) {
        const value = await consumer.get().catch(() => undefined)
        if (value === undefined) return
        got[i]!.push(value)
        count++
        await consumer.commit()
      }
    })
    await until(async () => (await groupConsumers(keyOf(stream), 'shared')) === 2)
    await stream.putAll(values(total))
    await until(() => count === total)
    await stream.close()
    await Promise.all(reading)
    expect(got[0]!.length).toBeGreaterThan(0)
    expect(got[1]!.length).toBeGreaterThan(0)
    for (const share of got) expect(share).toEqual([...share].sort((x, y) => x - y))
    expect([...got[0]!, ...got[1]!].sort((x, y) => x - y)).toEqual(values(total))
  })

  it('a closed instance hands back what it held: another instance of the name gets it at once', async () => {
    const stream = openStream<number>()
    await stream.putAll(values(5))
    const first = stream.consumer('name', { claimIdle: 60_000 })
    expect(await drain(first, 1)).toEqual([0])
    expect(await first.get()).toBe(1)
    await first.close()
    const second = stream.consumer('name', { claimIdle: 60_000 })
    expect(await drain(second, 4)).toEqual([1, 2, 3, 4])
  })

  it('a waiting get() on one consumer stalls neither puts nor other consumers', async () => {
    const stream = openStream<number>()
    const idle = stream.consumer('idle', { start: 'latest' })
    const busy = stream.consumer('busy')
    await stream.put(1)
    const waiting = idle.get()
    const waitingAgain = stream.consumer('idle-2', { start: 'latest' }).get()
    for (let i = 0; i < 20; i++) await stream.put(i + 2)
    expect(await drain(busy, 21)).toEqual(values(21, 1))
    await expect(waiting).resolves.toBe(1)
    await expect(waitingAgain).resolves.toBe(2)
  })

  it('throws ClosedError after close()', async () => {
    const stream = openStream()
    await stream.close()
    expect(() => stream.consumer('late')).toThrow(ClosedError)
  })
})

describe('RedisStream.close()', () => {
  it('is idempotent, returns done, and closes every consumer', async () => {
    const stream = openStream<number>()
    const consumer = stream.consumer('c')
    const waiting = consumer.get()
    const done = stream.done
    expect(stream.done).toBe(done)
    const closing = stream.close()
    expect(stream.closed).toBe(true)
    expect(stream.close()).toBe(closing)
    expect(closing).toBe(done)
    expect(consumer.closed).toBe(true)
    await expect(waiting).rejects.toSatisfy((error) => isBigbuffError(error, 'ERR_BIGBUFF_CLOSED'))
    await closing
    await consumer.done
  })

  it('after close(), put(), putAll(), size() and trim() reject ClosedError', async () => {
    const stream = openStream<number>()
    await stream.put(1)
    await stream.close()
    await expect(stream.put(2)).rejects.toBeInstanceOf(ClosedError)
    await expect(stream.putAll([2])).rejects.toBeInstanceOf(ClosedError)
    await expect(stream.size()).rejects.toBeInstanceOf(ClosedError)
    await expect(stream.trim()).rejects.toBeInstanceOf(ClosedError)
  })

  it('lets a put already sent finish, and leaves the values in Redis', async () => {
    const stream = openStream<number>()
    const putting = stream.putAll(values(100))
    await stream.close()
    await putting
    expect(await storedTexts(keyOf(stream))).toHaveLength(100)
  })

  it('await using closes the stream', async () => {
    let outer: RedisStream<number> | undefined
    {
      await using stream = new RedisStream<number>({ stream: uniqueKey(), url: redisUrl, trimInterval: 0 })
      outer = stream
      await stream.put(1)
    }
    expect(outer.closed).toBe(true)
    await outer.done
  })
})
