import { ClosedError, NothingToCommitError } from '@bigbuff/core'
import { type AtHand, atHand, NOTHING_AT_HAND } from '@bigbuff/internal'
import { describe, expect, it } from 'vitest'
import { Chan } from './chan.js'
import { ChannelConsumer } from './channel-consumer.js'

/** The synchronous side the range loops of @bigbuff/consumer use; every ChannelConsumer has one. */
function handOf<T>(consumer: ChannelConsumer<T>): AtHand<T> {
  const hand = atHand<T>(consumer)
  if (hand === undefined) throw new Error('no AtHand side')
  return hand
}

async function microtasks(count = 10): Promise<void> {
  for (let i = 0; i < count; i++) await Promise.resolve()
}

describe('ChannelConsumer AtHand side (the range loops’ fast path)', () => {
  it('stays out of the public shape: a non-enumerable prototype getter, the same object each time', () => {
    const consumer = new ChannelConsumer([1])
    expect(Object.keys(consumer)).toEqual([])
    expect(Object.getOwnPropertySymbols(consumer)).toEqual([])
    expect(handOf(consumer)).toBe(handOf(consumer))
  })

  it('take() reads a sync iterable lazily, one value per call, and commitNow() commits like commit()', async () => {
    let reads = 0
    function* source(): Generator<number> {
      for (let i = 0; i < 3; i++) {
        reads++
        yield i
      }
    }
    const consumer = new ChannelConsumer(source())
    const hand = handOf(consumer)
    expect(hand.take()).toBe(0)
    expect(reads).toBe(1)
    expect(hand.take()).toBe(1)
    expect(consumer.pending).toBe(2)
    hand.commitNow()
    expect(consumer.pending).toBe(0)
    expect(consumer.buffered()).toEqual([])
    expect(() => hand.commitNow()).toThrow(NothingToCommitError)
    expect(hand.take()).toBe(2)
    hand.commitNow()
    expect(hand.take()).toBe(NOTHING_AT_HAND)
    await expect(consumer.get()).rejects.toBeInstanceOf(ClosedError)
  })

  it('take() hands rolled-back values out again first, in order', async () => {
    const consumer = new ChannelConsumer([1, 2, 3])
    const hand = handOf(consumer)
    expect(await consumer.get()).toBe(1)
    expect(await consumer.get()).toBe(2)
    await consumer.rollback()
    expect([hand.take(), hand.take(), hand.take()]).toEqual([1, 2, 3])
    expect(consumer.pending).toBe(3)
  })

  it('take() receives what a Chan has ready (buffered values, then waiting senders) and leaves the rest', async () => {
    const chan = new Chan<number>(2)
    await chan.send(1)
    await chan.send(2)
    const third = chan.send(3) // waits: the buffer is full
    const consumer = new ChannelConsumer(chan)
    const hand = handOf(consumer)
    expect(hand.take()).toBe(1)
    expect(chan.size).toBe(2) // the waiting sender's value moved into the buffer, as on receive()
    await expect(third).resolves.toBeUndefined()
    expect(hand.take()).toBe(2)
    expect(hand.take()).toBe(3)
    expect(hand.take()).toBe(NOTHING_AT_HAND)
    expect(consumer.buffered()).toEqual([1, 2, 3])
    hand.commitNow()
    expect(consumer.buffered()).toEqual([])
  })

  it('take() of a closed Chan drains what is buffered, then leaves get() to report the end', async () => {
    const chan = new Chan<number>(1)
    await chan.send(1)
    chan.close()
    const consumer = new ChannelConsumer(chan)
    const hand = handOf(consumer)
    expect(hand.take()).toBe(1)
    expect(hand.take()).toBe(NOTHING_AT_HAND)
    await expect(consumer.get()).rejects.toBeInstanceOf(ClosedError)
  })

  it('take() gives nothing while a get() waits, so the waiting get() is served first', async () => {
    const chan = new Chan<number>(4)
    const consumer = new ChannelConsumer(chan)
    const hand = handOf(consumer)
    const waiting = consumer.get()
    expect(chan.trySend(1)).toBe(true) // to the consumer's waiting receive
    expect(chan.trySend(2)).toBe(true) // into the buffer
    expect(hand.take()).toBe(NOTHING_AT_HAND)
    expect(await waiting).toBe(1)
    expect(hand.take()).toBe(2)
  })

  it('take() does not overtake a receive in flight for an aborted get(): values come in order', async () => {
    const chan = new Chan<number>(4)
    const consumer = new ChannelConsumer(chan)
    const hand = handOf(consumer)
    const controller = new AbortController()
    const aborted = consumer.get({ signal: controller.signal })
    controller.abort('gone')
    await expect(aborted).rejects.toBe('gone')
    // The consumer's receive still waits on the channel: 1 goes to it, 2 into the buffer.
    expect(chan.trySend(1)).toBe(true)
    expect(chan.trySend(2)).toBe(true)
    expect(hand.take()).toBe(NOTHING_AT_HAND)
    await microtasks()
    expect(hand.take()).toBe(1)
    expect(hand.take()).toBe(2)
  })

  it('take() of an async iterable gives only what the consumer already holds', async () => {
    async function* source(): AsyncGenerator<number> {
      yield 1
      yield 2
    }
    const consumer = new ChannelConsumer(source())
    const hand = handOf(consumer)
    expect(hand.take()).toBe(NOTHING_AT_HAND)
    expect(await consumer.get()).toBe(1)
    await consumer.rollback()
    expect(hand.take()).toBe(1)
    expect(hand.take()).toBe(NOTHING_AT_HAND)
    expect(await consumer.get()).toBe(2)
  })

  it('after close(), take() gives nothing and commitNow() throws ClosedError, as commit() rejects', async () => {
    const consumer = new ChannelConsumer([1, 2])
    const hand = handOf(consumer)
    expect(hand.take()).toBe(1)
    await consumer.close()
    expect(hand.take()).toBe(NOTHING_AT_HAND)
    expect(() => hand.commitNow()).toThrow(ClosedError)
    await expect(consumer.commit()).rejects.toBeInstanceOf(ClosedError)
    expect(consumer.buffered()).toEqual([1])
  })

  it('a sync source that throws: take() gives nothing and the next get() rejects with its error', async () => {
    const failure = new Error('source failed')
    const source: Iterable<number> = {
      [Symbol.iterator]: () => ({
        next: () => {
          throw failure
        },
      }),
    }
    const consumer = new ChannelConsumer(source)
    expect(handOf(consumer).take()).toBe(NOTHING_AT_HAND)
    await expect(consumer.get()).rejects.toBe(failure)
    await expect(consumer.get()).rejects.toBeInstanceOf(ClosedError)
  })
})
