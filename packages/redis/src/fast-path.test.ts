/// <reference types="node" />
import { iterate, range, rangeBatch } from '@bigbuff/consumer'
import { ClosedError, type Consumer, NothingToCommitError } from '@bigbuff/core'
import { type AtHand, atHand, NOTHING_AT_HAND } from '@bigbuff/internal'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { keyOf, openStream, raw, until } from '../test/helpers.js'
import { type RedisServer, startRedis } from '../test/redis-server.js'
import { RedisStream } from './index.js'

const values = (count: number, from = 0): number[] => Array.from({ length: count }, (_, i) => from + i)

/** How many entries group `group` of stream `key` has delivered and not had acknowledged. */
async function pendingInRedis(key: string, group: string, url?: string): Promise<number> {
  return ((await raw(['XPENDING', key, group], url)) as [number])[0]
}

async function take<T>(consumer: Consumer<T>, count: number): Promise<T[]> {
  const out: T[] = []
  for (let i = 0; i < count; i++) out.push(await consumer.get())
  return out
}

function hand<T>(consumer: Consumer<T>): AtHand<T> {
  const side = atHand<T>(consumer)
  if (side === undefined) throw new Error('the Redis consumer has no AT_HAND side')
  return side
}

/** Counts the promise-API calls a loop makes on `consumer`. */
function spyOn<T>(consumer: Consumer<T>) {
  return { get: vi.spyOn(consumer, 'get'), commit: vi.spyOn(consumer, 'commit') }
}

describe('RedisStream consumer: the fast path of the range loops', () => {
  it('range() takes the rest of a read without get() or commit() per value, in order, and Redis acknowledges them', async () => {
    const stream = openStream<number>()
    const consumer = stream.consumer('c')
    expect(atHand(consumer)).toBe(consumer)
    await stream.putAll(values(50))
    const calls = spyOn(consumer)
    const seen: number[] = []
    await range(consumer, (value) => {
      seen.push(value)
      return value !== 49
    })
    expect(seen).toEqual(values(50))
    // The first value comes through get() (nothing was read yet), the other 49 from the read it made.
    expect(calls.get).toHaveBeenCalledTimes(1)
    expect(calls.commit).toHaveBeenCalledTimes(1)
    expect(consumer.pending).toBe(0)
    // range() resolved once Redis had answered the XACK of its fast-path commits.
    expect(await pendingInRedis(keyOf(stream), 'c')).toBe(0)
    await stream.put(50)
    expect(await consumer.get()).toBe(50)
  })

  it('range(): a failure mid-read commits what fn saw and rolls back the rest, delivered again in order', async () => {
    const stream = openStream<number>()
    const consumer = stream.consumer('c')
    await stream.putAll(values(10))
    const calls = spyOn(consumer)
    const seen: number[] = []
    const failure = new Error('fn failed at 5')
    await expect(
      range(consumer, (value) => {
        seen.push(value)
        if (value === 5) throw failure
      }),
    ).rejects.toBe(failure)
    expect(seen).toEqual(values(6))
    expect(calls.get).toHaveBeenCalledTimes(1)
    expect(consumer.pending).toBe(0)
    // The XACK of 0…4 went out before the re-read: only 5…9 are delivered again.
    expect(await consumer.get()).toBe(5)
    expect(await pendingInRedis(keyOf(stream), 'c')).toBe(5)
    const again: number[] = [5]
    await range(consumer, (value) => {
      again.push(value)
      return value !== 9
    })
    expect(again).toEqual(values(5, 5))
    await until(async () => (await pendingInRedis(keyOf(stream), 'c')) === 0)
  })

  it('range(): an async fn keeps to the fast path; a rejection rolls back the failing value only', async () => {
    const stream = openStream<number>()
    const consumer = stream.consumer('c')
    await stream.putAll(values(8))
    const calls = spyOn(consumer)
    const seen: number[] = []
    await expect(
      range(consumer, async (value) => {
        await new Promise((resolve) => setTimeout(resolve, 1))
        seen.push(value)
        if (value === 3) throw new Error('async failure')
      }),
    ).rejects.toThrow('async failure')
    expect(seen).toEqual(values(4))
    expect(calls.get).toHaveBeenCalledTimes(1)
    expect(await consumer.get()).toBe(3)
    expect(await pendingInRedis(keyOf(stream), 'c')).toBe(5)
  })

  it('an entry that does not decode is left to get(), which rejects; the values before it are committed', async () => {
    const stream = openStream<number>()
    const key = keyOf(stream)
    const consumer = stream.consumer('c')
    await stream.putAll([0, 1, 2])
    await raw(['XADD', key, '*', 'v', 'not json'])
    await stream.put(4)
    const seen: number[] = []
    await expect(range(consumer, (value) => void seen.push(value))).rejects.toBeInstanceOf(SyntaxError)
    expect(seen).toEqual([0, 1, 2])
    // Rolled back: the bad entry comes first again, then 4.
    await expect(consumer.get()).rejects.toBeInstanceOf(SyntaxError)
    expect(await consumer.get()).toBe(4)
    expect(await pendingInRedis(key, 'c')).toBe(2)
  })

  it('iterate() and rangeBatch() read several reads of entries in order, each value once', async () => {
    const stream = openStream<number>()
    await stream.putAll(values(250))
    const iterated = stream.consumer('iterate')
    const calls = spyOn(iterated)
    const fromIterate: number[] = []
    for await (const value of iterate(iterated)) {
      fromIterate.push(value)
      if (value === 249) break
    }
    expect(fromIterate).toEqual(values(250))
    // A get() per read of 100 entries, and one after each turn the loop yields to the event loop.
    expect(calls.get.mock.calls.length).toBeLessThanOrEqual(25)
    // The last value was rolled back by the break: it is delivered again.
    expect(await iterated.get()).toBe(249)

    const batched = stream.consumer('batch')
    const batches: number[][] = []
    await rangeBatch(
      batched,
      (batch) => {
        batches.push(batch)
        return batch.at(-1) !== 249
      },
      { maxSize: 30 },
    )
    expect(batches.flat()).toEqual(values(250))
    expect(Math.max(...batches.map((batch) => batch.length))).toBe(30)
    await until(async () => (await pendingInRedis(keyOf(stream), 'batch')) === 0)
  })

  it('take() leaves ConsumerBehindError to get(), before any entry read after the gap', async () => {
    const stream = openStream<number>({ maxLength: 1 })
    const key = keyOf(stream)
    const consumer = stream.consumer('c')
    await stream.put(0)
    expect(await consumer.get()).toBe(0)
    await consumer.commit()
    // Entries the name never read are trimmed away before its next read.
    for (const value of values(300, 1)) await raw(['XADD', key, 'MAXLEN', '1', '*', 'v', String(value)])
    const seen: number[] = []
    const error = await range(consumer, (value) => void seen.push(value)).catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'ConsumerBehindError' })
    expect(seen).toEqual([])
    await range(consumer, (value) => {
      seen.push(value)
      return false
    })
    expect(seen).toEqual([300])
  })

  it('take() and commitNow() follow get() and commit(): nothing at hand while a get() waits or once closed', async () => {
    const stream = openStream<number>()
    const consumer = stream.consumer('c')
    const side = hand(consumer)
    expect(side.take()).toBe(NOTHING_AT_HAND)
    expect(() => side.commitNow()).toThrow(NothingToCommitError)
    const waiting = consumer.get()
    await stream.putAll([1, 2])
    expect(side.take()).toBe(NOTHING_AT_HAND)
    expect(await waiting).toBe(1)
    expect(side.take()).toBe(2)
    expect(consumer.pending).toBe(2)
    side.commitNow()
    expect(consumer.pending).toBe(0)
    await expect(consumer.commit()).rejects.toBeInstanceOf(NothingToCommitError)
    await stream.put(3)
    expect(await consumer.get()).toBe(3)
    await consumer.close()
    expect(side.take()).toBe(NOTHING_AT_HAND)
    expect(() => side.commitNow()).toThrow(ClosedError)
    // close() sent the commit before handing back what was left: only 3 is pending.
    expect(await pendingInRedis(keyOf(stream), 'c')).toBe(1)
  })
})

describe('RedisStream consumer: the fast path when an XACK fails', () => {
  let server: RedisServer | undefined
  let stream: RedisStream<number> | undefined

  afterEach(async () => {
    await stream?.close()
    await server?.stop()
  })

  /**
   * A Redis of the test's own (its ACL will refuse XACK for a while, every other command still
   * working) holding 1…4, and a consumer that has read them and returned 1 from get().
   */
  async function readOne() {
    server = await startRedis()
    const { url } = server
    stream = new RedisStream<number>({ stream: 'fast-path', url, trimInterval: 0 })
    const consumer = stream.consumer('n', { instance: 'me' })
    await stream.putAll([1, 2, 3, 4])
    expect(await consumer.get()).toBe(1)
    return { url, consumer, side: hand(consumer) }
  }

  it('the entries of a failed XACK are pending again: the next commitNow() reports it, commit() acknowledges them', async () => {
    const { url, consumer, side } = await readOne()
    await consumer.commit()
    await raw(['ACL', 'SETUSER', 'default', '-xack'], url)
    expect(side.take()).toBe(2)
    side.commitNow()
    expect(consumer.pending).toBe(0)
    await until(() => consumer.pending === 1)
    // Off the fast path until that is settled: the loops use get() and commit().
    expect(side.take()).toBe(NOTHING_AT_HAND)
    expect(await consumer.get()).toBe(3)
    expect(consumer.pending).toBe(2)
    expect(() => side.commitNow()).toThrow(/NOPERM/)
    expect(consumer.pending).toBe(2)
    await expect(consumer.commit()).rejects.toThrow(/NOPERM/)
    expect(await pendingInRedis('fast-path', 'n', url)).toBe(3)
    await raw(['ACL', 'SETUSER', 'default', '+xack'], url)
    await consumer.commit()
    expect(consumer.pending).toBe(0)
    expect(await pendingInRedis('fast-path', 'n', url)).toBe(1)
    expect(side.take()).toBe(4)
    side.commitNow()
    await consumer.close()
    // close() sent the last commit before handing back what was left: nothing is.
    expect(await pendingInRedis('fast-path', 'n', url)).toBe(0)
  })

  it('a loop resolves only once its XACKs are answered: one refused makes it reject, and its entries come again', async () => {
    const { url, consumer } = await readOne()
    await consumer.commit()
    await raw(['ACL', 'SETUSER', 'default', '-xack'], url)
    const seen: number[] = []
    await expect(
      range(consumer, (value) => {
        seen.push(value)
        return value !== 3
      }),
    ).rejects.toThrow(/NOPERM/)
    expect(seen).toEqual([2, 3])
    expect(await pendingInRedis('fast-path', 'n', url)).toBe(3)
    await raw(['ACL', 'SETUSER', 'default', '+xack'], url)
    // Rolled back: the entries whose XACK was refused are read again, in order, then the rest.
    expect(await take(consumer, 3)).toEqual([2, 3, 4])
    await consumer.commit()
    expect(await pendingInRedis('fast-path', 'n', url)).toBe(0)
  })

  it('after a failed XACK, a rollback delivers its entries again, in order, with the rest of the read', async () => {
    const { url, consumer, side } = await readOne()
    await raw(['ACL', 'SETUSER', 'default', '-xack'], url)
    side.commitNow()
    await until(() => consumer.pending === 1)
    await raw(['ACL', 'SETUSER', 'default', '+xack'], url)
    await consumer.rollback()
    expect(await take(consumer, 4)).toEqual([1, 2, 3, 4])
    await consumer.commit()
    expect(await pendingInRedis('fast-path', 'n', url)).toBe(0)
  })
})
