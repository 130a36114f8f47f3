/// <reference types="node" />
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Chan } from './chan.js'
import { ChannelConsumer } from './channel-consumer.js'
import { PubSub } from './pub-sub.js'
import { receiveCase, select, sendCase } from './select.js'

const MESSAGES = 1_000_000

/** One sender and one receiver that await only each other, as tight as a loop gets. */
async function pingThrough(
  chan: Chan<number>,
  count: number,
  onReceive?: (i: number) => void,
): Promise<number> {
  const sender = (async () => {
    for (let i = 0; i < count; i++) await chan.send(i)
  })()
  let sum = 0
  for (let i = 0; i < count; i++) {
    sum += await chan.receive()
    onReceive?.(i)
  }
  await sender
  return sum
}

afterEach(() => {
  vi.useRealTimers()
})

describe('Chan and the event loop', () => {
  it('a setTimeout(0) fires while a million values pass an unbuffered Chan in a tight loop', async () => {
    const chan = new Chan<number>()
    let received = 0
    let firedAt = -1
    let immediateAt = -1
    setTimeout(() => (firedAt = received), 0)
    setImmediate(() => (immediateAt = received))
    const sum = await pingThrough(chan, MESSAGES, (i) => (received = i + 1))
    expect(sum).toBe((MESSAGES * (MESSAGES - 1)) / 2)
    // Both fired in the middle of the run, not after it: the loop never starved them.
    expect(firedAt).toBeGreaterThan(0)
    expect(firedAt).toBeLessThan(MESSAGES)
    expect(immediateAt).toBeGreaterThan(0)
    expect(immediateAt).toBeLessThan(MESSAGES)
  })

  it('a buffered Chan drained by for await lets timers run too', async () => {
    const chan = new Chan<number>(Number.POSITIVE_INFINITY)
    for (let i = 0; i < 200_000; i++) chan.trySend(i)
    chan.close()
    let received = 0
    let firedAt = -1
    setTimeout(() => (firedAt = received), 0)
    for await (const _ of chan) received++
    expect(received).toBe(200_000)
    expect(firedAt).toBeGreaterThan(0)
    expect(firedAt).toBeLessThan(200_000)
  })

  it('a tight select() loop lets timers run', async () => {
    const a = new Chan<number>(1)
    const b = new Chan<number>(1)
    const cases = [sendCase(a, 1), sendCase(b, 2)]
    const drains = [receiveCase(a), receiveCase(b)]
    let rounds = 0
    let firedAt = -1
    setTimeout(() => (firedAt = rounds), 0)
    for (; rounds < 100_000; rounds++) {
      await select(cases)
      await select(drains)
    }
    expect(firedAt).toBeGreaterThan(0)
    expect(firedAt).toBeLessThan(100_000)
  })

  it('a tight ChannelConsumer loop over a sync iterable lets timers run', async () => {
    const count = 200_000
    const consumer = new ChannelConsumer(Array.from({ length: count }, (_, i) => i))
    let received = 0
    let firedAt = -1
    setTimeout(() => (firedAt = received), 0)
    for (; received < count; received++) {
      await consumer.get()
      await consumer.commit()
    }
    expect(firedAt).toBeGreaterThan(0)
    expect(firedAt).toBeLessThan(count)
  })

  it('a tight PubSub publish loop to a buffering subscription lets timers run', async () => {
    const pubsub = new PubSub<number>()
    const subscription = pubsub.subscribe({ capacity: Number.POSITIVE_INFINITY })
    let published = 0
    let firedAt = -1
    setTimeout(() => (firedAt = published), 0)
    for (; published < 200_000; published++) await pubsub.publish(published)
    expect(firedAt).toBeGreaterThan(0)
    expect(firedAt).toBeLessThan(200_000)
    subscription.unsubscribe()
  })

  it('a tight Chan loop completes under fake timers and schedules no fake timer', async () => {
    vi.useFakeTimers()
    const chan = new Chan<number>()
    const count = 100_000
    const sum = await pingThrough(chan, count)
    expect(sum).toBe((count * (count - 1)) / 2)
    expect(vi.getTimerCount()).toBe(0)
  })
})
