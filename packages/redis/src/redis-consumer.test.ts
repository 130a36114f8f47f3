/// <reference types="node" />
import { ClosedError, ConsumerBehindError, isBigbuffError } from '@bigbuff/core'
import { describe, expect, it } from 'vitest'
import { groupConsumers, keyOf, openStream, raw, redisUrl, until } from '../test/helpers.js'

const values = (count: number, from = 0): number[] => Array.from({ length: count }, (_, i) => from + i)

async function take<T>(consumer: { get(): Promise<T> }, count: number): Promise<T[]> {
  const out: T[] = []
  for (let i = 0; i < count; i++) out.push(await consumer.get())
  return out
}

/** The ids of stream `key`, oldest first. */
async function ids(key: string): Promise<string[]> {
  return ((await raw(['XRANGE', key, '-', '+'])) as [string][]).map(([id]) => id)
}

describe('RedisStream consumer: arguments and state', () => {
  it('get() rejects (never throws) bad options', async () => {
    const consumer = openStream().consumer('c')
    await expect(consumer.get('x' as never)).rejects.toThrow(
      'Cannot get: options must be an object, received "x"',
    )
    await expect(consumer.get({ signal: {} as never })).rejects.toThrow(TypeError)
  })

  it('commit() and rollback() reject ClosedError after close()', async () => {
    const stream = openStream<number>()
    const consumer = stream.consumer('c')
    await stream.put(1)
    await consumer.get()
    await consumer.close()
    await expect(consumer.commit()).rejects.toBeInstanceOf(ClosedError)
    await expect(consumer.rollback()).rejects.toBeInstanceOf(ClosedError)
  })

  it('commit() acknowledges the entries in Redis; overlapping commits settle pending once', async () => {
    const stream = openStream<number>()
    const consumer = stream.consumer('c')
    await stream.putAll([1, 2, 3])
    await consumer.get()
    const first = consumer.commit()
    await consumer.get()
    const second = consumer.commit()
    expect(consumer.pending).toBe(2)
    await Promise.all([first, second])
    expect(consumer.pending).toBe(0)
    const summary = (await raw(['XPENDING', keyOf(stream), 'c'])) as [number]
    expect(summary[0]).toBe(1) // only 3, delivered in the same batch, is still pending
    expect(await consumer.get()).toBe(3)
  })

  it('a rollback() while a commit() is in flight wins: pending is 0 and nothing is lost', async () => {
    const stream = openStream<number>()
    const consumer = stream.consumer('c')
    await stream.putAll([1, 2])
    await consumer.get()
    const committing = consumer.commit()
    await consumer.rollback()
    await committing
    expect(consumer.pending).toBe(0)
    expect(await consumer.get()).toBe(2)
  })

  it('close() waits for a commit() in flight', async () => {
    const stream = openStream<number>()
    const consumer = stream.consumer('c')
    await stream.put(1)
    await consumer.get()
    const committing = consumer.commit()
    await consumer.close()
    await expect(committing).resolves.toBeUndefined()
    expect(((await raw(['XPENDING', keyOf(stream), 'c'])) as [number])[0]).toBe(0)
  })
})

describe('RedisStream consumer: rollback()', () => {
  it('wakes a get() that waits, which then receives the first rolled-back value', async () => {
    const stream = openStream<number>()
    const consumer = stream.consumer('c')
    await stream.put(1)
    expect(await consumer.get()).toBe(1)
    const waiting = consumer.get()
    await until(async () =>
      ((await raw(['CLIENT', 'LIST', 'TYPE', 'normal'])) as string).includes('cmd=xread'),
    )
    await consumer.rollback()
    expect(await waiting).toBe(1)
  })

  it('ignores a read that was in flight when it happened', async () => {
    const stream = openStream<number>()
    const consumer = stream.consumer('c')
    await stream.putAll([1, 2])
    expect(await take(consumer, 2)).toEqual([1, 2])
    const next = consumer.get()
    await consumer.rollback()
    await stream.put(3)
    expect([await next, ...(await take(consumer, 2))]).toEqual([1, 2, 3])
  })

  it('re-reads more pending entries than one read returns, in order', async () => {
    const stream = openStream<number>()
    const consumer = stream.consumer('c')
    await stream.putAll(values(250))
    expect(await take(consumer, 250)).toEqual(values(250))
    await consumer.rollback()
    expect(await take(consumer, 250)).toEqual(values(250))
    await consumer.commit()
    await stream.put(250)
    expect(await consumer.get()).toBe(250)
  })
})

describe('RedisStream consumer: instances', () => {
  it('an instance reopened with the same id reads what it held first, in order', async () => {
    const stream = openStream<number>()
    await stream.putAll(values(5))
    const first = stream.consumer('n', { instance: 'me', claimIdle: 60_000 })
    expect(await first.get()).toBe(0)
    await first.commit()
    expect(await take(first, 2)).toEqual([1, 2])
    await first.close()
    const again = stream.consumer('n', { instance: 'me', claimIdle: 60_000 })
    await stream.put(5)
    expect(await take(again, 5)).toEqual([1, 2, 3, 4, 5])
  })

  it("claims a silent instance's entries once they have been idle claimIdle ms, in order, before new ones", async () => {
    const stream = openStream<number>()
    const key = keyOf(stream)
    const consumer = stream.consumer('n', { claimIdle: 100 })
    await stream.putAll(values(160))
    const readAt = Date.now()
    await raw(['XREADGROUP', 'GROUP', 'n', 'ghost', 'COUNT', '150', 'STREAMS', key, '>'])
    expect(await take(consumer, 10)).toEqual(values(10, 150))
    const claimed = await take(consumer, 150)
    expect(Date.now() - readAt).toBeGreaterThanOrEqual(100)
    expect(claimed).toEqual(values(150))
    await consumer.commit()
    await stream.put(160)
    expect(await consumer.get()).toBe(160)
    // The next claim pass forgets the ghost, which holds nothing any more.
    const waiting = consumer.get()
    await until(async () => (await groupConsumers(key, 'n')) === 1)
    await stream.put(161)
    expect(await waiting).toBe(161)
  })

  it('does not deliver again what it holds itself when its own entries become idle', async () => {
    const stream = openStream<number>()
    const consumer = stream.consumer('n', { claimIdle: 20 })
    await stream.putAll([1, 2])
    expect(await take(consumer, 2)).toEqual([1, 2])
    await until(async () => {
      const pending = (await raw(['XPENDING', keyOf(stream), 'n', '-', '+', '10'])) as [
        string,
        string,
        number,
      ][]
      return pending.every(([, , idle]) => idle > 20)
    })
    await stream.put(3)
    expect(await consumer.get()).toBe(3)
    expect(consumer.pending).toBe(3)
  })
})

describe('RedisStream consumer: trimmed entries', () => {
  it('rejects ConsumerBehindError once when maxLength dropped entries the name had not read, then continues', async () => {
    const stream = openStream<number>({ maxLength: 10 })
    const consumer = stream.consumer('c')
    await stream.putAll(values(5))
    expect(await take(consumer, 5)).toEqual(values(5))
    await consumer.commit()
    for (let i = 0; i < 5; i++) await stream.putAll(values(100, 5 + i * 100))
    const size = await stream.size()
    const error = await consumer.get().catch((reason: unknown) => reason)
    expect(error).toBeInstanceOf(ConsumerBehindError)
    expect(error).toMatchObject({ offset: 5, behind: 500 - size })
    expect(await consumer.get()).toBe(505 - size)
  })

  it('rejects ConsumerBehindError when entries it held were trimmed, then continues with what is left', async () => {
    const stream = openStream<number>()
    const key = keyOf(stream)
    const consumer = stream.consumer('c')
    await stream.putAll(values(4))
    expect(await take(consumer, 2)).toEqual([0, 1])
    const all = await ids(key)
    await raw(['XTRIM', key, 'MINID', all[3]!])
    await consumer.rollback()
    const error = await consumer.get().catch((reason: unknown) => reason)
    expect(isBigbuffError(error, 'ERR_BIGBUFF_CONSUMER_BEHIND')).toBe(true)
    expect(error).toMatchObject({ offset: 4, behind: 3 })
    expect(await consumer.get()).toBe(3)
    expect(consumer.pending).toBe(1)
  })

  it("rejects ConsumerBehindError when a silent instance's entries were trimmed before they could be claimed", async () => {
    const stream = openStream<number>()
    const key = keyOf(stream)
    const consumer = stream.consumer('c', { claimIdle: 0 })
    await stream.putAll(values(5))
    await raw(['XREADGROUP', 'GROUP', 'c', 'ghost', 'COUNT', '3', 'STREAMS', key, '>'])
    await raw(['XTRIM', key, 'MINID', (await ids(key))[2]!])
    const error = await consumer.get().catch((reason: unknown) => reason)
    expect(error).toMatchObject({ code: 'ERR_BIGBUFF_CONSUMER_BEHIND', behind: 2 })
    expect(await take(consumer, 3)).toEqual([2, 3, 4])
  })
})

/** Entries-read and lag of group `group` on stream `key`, as XINFO GROUPS reports them. */
async function readCounter(key: string, group: string): Promise<{ read: unknown; lag: unknown }> {
  const groups = (await raw(['XINFO', 'GROUPS', key])) as unknown[][]
  const info = groups.find((fields) => fields[1] === group)!
  return { read: info[info.indexOf('entries-read') + 1], lag: info[info.indexOf('lag') + 1] }
}

describe('RedisStream consumer: trimmed entries, found by the transaction read', () => {
  it('a gap reported before the entries after it, which then come in order, each once; the read counter is right', async () => {
    const stream = openStream<number>()
    const key = keyOf(stream)
    const consumer = stream.consumer('c', { claimIdle: 60_000 })
    await stream.putAll(values(3))
    expect(await take(consumer, 3)).toEqual(values(3))
    await consumer.commit()
    // 250 more; the name has read none of them when the first 100 are trimmed away.
    await stream.putAll(values(250, 3))
    await raw(['XTRIM', key, 'MINID', (await ids(key))[103]!])
    const error = await consumer.get().catch((reason: unknown) => reason)
    expect(error).toBeInstanceOf(ConsumerBehindError)
    expect(error).toMatchObject({ offset: 3, behind: 100 })
    // More than one read's worth: every later entry, in order, none twice.
    expect(await take(consumer, 150)).toEqual(values(150, 103))
    await consumer.commit()
    expect(await readCounter(key, 'c')).toEqual({ read: 253, lag: 0 })
    await stream.put(253)
    expect(await consumer.get()).toBe(253)
    await consumer.commit()
    expect(consumer.pending).toBe(0)
  })

  it('a gap smaller than the read after it is not skipped; a later gap reports exactly what it lost', async () => {
    const stream = openStream<number>()
    const key = keyOf(stream)
    const consumer = stream.consumer('c', { claimIdle: 60_000 })
    await stream.put(0)
    expect(await consumer.get()).toBe(0)
    // Two unread entries trimmed, fifty after them: once read, the counter would hide the gap.
    await stream.putAll(values(52, 1))
    await raw(['XTRIM', key, 'MINID', (await ids(key))[3]!])
    await expect(consumer.get()).rejects.toMatchObject({
      code: 'ERR_BIGBUFF_CONSUMER_BEHIND',
      offset: 1,
      behind: 2,
    })
    expect(await take(consumer, 50)).toEqual(values(50, 3))
    await consumer.commit()
    // Left short by the read past the gap, the counter would now report 52 lost instead of 50.
    await stream.putAll(values(60, 53))
    await raw(['XTRIM', key, 'MINID', (await ids(key))[50 + 50]!])
    await expect(consumer.get()).rejects.toMatchObject({ offset: 53, behind: 50 })
    expect(await take(consumer, 10)).toEqual(values(10, 103))
    expect(await readCounter(key, 'c')).toEqual({ read: 113, lag: 0 })
  })

  it('a gap another reader of the name went past without settling is reported once, by whoever settles it', async () => {
    const stream = openStream<number>()
    const key = keyOf(stream)
    const consumer = stream.consumer('c', { claimIdle: 60_000 })
    await stream.put(0)
    expect(await consumer.get()).toBe(0)
    await consumer.commit()
    await stream.putAll(values(10, 1))
    await raw(['XTRIM', key, 'MINID', (await ids(key))[6]!])
    // A reader that does not settle takes the two entries after the five lost ones.
    await raw(['XREADGROUP', 'GROUP', 'c', 'other', 'COUNT', '2', 'STREAMS', key, '>'])
    await expect(consumer.get()).rejects.toMatchObject({ offset: 3, behind: 5 })
    expect(await take(consumer, 2)).toEqual([8, 9])
    expect(await readCounter(key, 'c')).toEqual({ read: 11, lag: 0 })
  })

  it('a gap whose settling failed is reported first when reading again, then the entries after it come in order', async () => {
    // A user of its own that may not run scripts once the steady state is reached, so no other test is affected.
    const user = `settle-${Math.random().toString(36).slice(2, 8)}`
    await raw(['ACL', 'SETUSER', user, 'on', 'nopass', '~*', '&*', '+@all'])
    try {
      const stream = openStream<number>({ url: redisUrl.replace('redis://', `redis://${user}:x@`) })
      const key = keyOf(stream)
      const consumer = stream.consumer('c', { claimIdle: 60_000 })
      await stream.put(0)
      expect(await consumer.get()).toBe(0)
      await consumer.commit()
      await stream.putAll(values(6, 1))
      await raw(['XTRIM', key, 'MINID', (await ids(key))[4]!])
      await raw(['ACL', 'SETUSER', user, '-evalsha', '-eval'])
      await expect(consumer.get()).rejects.toThrow(/NOPERM/)
      await raw(['ACL', 'SETUSER', user, '+evalsha', '+eval'])
      await expect(consumer.get()).rejects.toMatchObject({ offset: 1, behind: 3 })
      expect(await take(consumer, 3)).toEqual([4, 5, 6])
      expect(await readCounter(key, 'c')).toEqual({ read: 7, lag: 0 })
    } finally {
      await raw(['ACL', 'DELUSER', user])
    }
  })
})

describe('RedisStream consumer: foreign entries', () => {
  it('an entry without a "v" field rejects TypeError and counts as read', async () => {
    const stream = openStream<number>()
    const key = keyOf(stream)
    const consumer = stream.consumer('c')
    // Handled at once: the rejection may come before raw() returns.
    const waiting = consumer.get().catch((reason: unknown) => reason)
    await raw(['XADD', key, '*', 'other', '1'])
    expect(await waiting).toBeInstanceOf(TypeError)
    expect(String(await waiting)).toMatch(/Cannot get: entry \d+-\d+ of stream .* has no "v" field/)
    expect(consumer.pending).toBe(1)
    await stream.put(1)
    await raw(['XADD', key, '*', 'other', '2'])
    await stream.put(3)
    expect(await consumer.get()).toBe(1)
    await expect(consumer.get()).rejects.toThrow(TypeError)
    expect(await consumer.get()).toBe(3)
    await consumer.commit()
    expect(consumer.pending).toBe(0)
  })

  it('a value the codec cannot decode rejects with the codec error', async () => {
    const stream = openStream<number>()
    const consumer = stream.consumer('c')
    await raw(['XADD', keyOf(stream), '*', 'v', 'not json'])
    await expect(consumer.get()).rejects.toThrow(SyntaxError)
  })
})

describe('RedisStream consumer: the group', () => {
  it('is recreated, without skipping anything, when it disappears', async () => {
    const stream = openStream<number>()
    const consumer = stream.consumer('c')
    await stream.putAll([1, 2])
    expect(await take(consumer, 2)).toEqual([1, 2])
    await consumer.commit()
    await raw(['XGROUP', 'DESTROY', keyOf(stream), 'c'])
    await stream.put(3)
    expect(await take(consumer, 3)).toEqual([1, 2, 3])
  })

  it('opening a consumer on a key holding another type rejects its reads with the Redis error', async () => {
    const stream = openStream<number>()
    await raw(['SET', keyOf(stream), 'text'])
    const consumer = stream.consumer('c')
    await expect(consumer.get()).rejects.toThrow(/WRONGTYPE/)
    await expect(consumer.get()).rejects.toThrow(/WRONGTYPE/)
  })
})
