import { Chan, ChannelConsumer, Notifier, PubSub, receiveCase, select, sendCase } from '@bigbuff/channel'
import { describe, expect, it, vi } from 'vitest'
import { collected } from '../support/memory.js'
import { settle } from '../support/settle.js'
import { listeners } from '../support/signals.js'

class Payload {
  constructor(readonly id: number) {}
}

const ignore = (): undefined => undefined

describe('Chan and select leave nothing behind', () => {
  it('close() settles every waiting send, receive and select and removes every listener', async () => {
    const longLived = new AbortController()
    const signal = longLived.signal
    const a = new Chan<Payload>()
    const b = new Chan<Payload>(1)
    const c = new Chan<Payload>()
    await b.send(new Payload(0))
    const waiting = [
      a.send(new Payload(1), { signal }),
      b.send(new Payload(2), { signal }),
      c.receive({ signal }),
      select([receiveCase(c), sendCase(b, new Payload(3))], { signal }),
      select([], { signal }),
    ]
    for (const p of waiting) p.catch(ignore)
    await settle()
    // Every waiter (send, receive, select) shares one listener per signal.
    expect(listeners(signal)).toBe(1)
    a.close()
    b.close()
    c.close()
    await settle()
    expect(listeners(signal), 'only select([]) still waits').toBe(1)
    longLived.abort(new Error('the end'))
    const outcomes = await Promise.allSettled(waiting)
    expect(outcomes.every((o) => o.status !== undefined)).toBe(true)
    expect(listeners(signal)).toBe(0)
  })

  it('a select that lost on a channel is not retained by it, nor is the value it offered', async () => {
    const longLived = new AbortController()
    const busy = new Chan<Payload>()
    const other = new Chan<Payload>(1)
    const refs = await (async () => {
      const offered = new Payload(7)
      const choosing = select([sendCase(busy, offered), receiveCase(other)], { signal: longLived.signal })
      await other.send(new Payload(8))
      const result = await choosing
      expect(result.index).toBe(1)
      return { offered: new WeakRef(offered), choosing: new WeakRef(choosing) }
    })()
    expect(await collected(refs.offered), 'the value of the losing send case').toBe(true)
    expect(await collected(refs.choosing)).toBe(true)
    expect(listeners(longLived.signal)).toBe(0)
    expect(busy.trySend(new Payload(9)), 'the losing case left the channel').toBe(false)
  })

  it('an aborted send releases its value; a closed channel is collected while the signal lives', async () => {
    const longLived = new AbortController()
    const refs = await (async () => {
      const chan = new Chan<Payload>()
      const value = new Payload(1)
      const controller = new AbortController()
      const sending = chan.send(value, { signal: controller.signal })
      const receiving = chan.receive({ signal: longLived.signal })
      controller.abort(new Error('no'))
      await sending.catch(ignore)
      // The aborted send is gone: the receiver still waits, then the close ends it.
      chan.close()
      await receiving.catch(ignore)
      return { chan: new WeakRef(chan), value: new WeakRef(value), controller: new WeakRef(controller) }
    })()
    expect(await collected(refs.value)).toBe(true)
    expect(await collected(refs.chan)).toBe(true)
    expect(await collected(refs.controller)).toBe(true)
    expect(listeners(longLived.signal)).toBe(0)
  })
})

describe('ChannelConsumer leaves nothing behind', () => {
  it('close() removes its constructor listener and withdraws its read from the channel', async () => {
    const longLived = new AbortController()
    const chan = new Chan<Payload>()
    const refs = await (async () => {
      const consumer = new ChannelConsumer<Payload>(chan, { signal: longLived.signal })
      const getting = consumer.get({ signal: longLived.signal })
      await settle()
      expect(listeners(longLived.signal)).toBe(2)
      await consumer.close()
      await getting.catch(ignore)
      return { consumer: new WeakRef(consumer) }
    })()
    expect(listeners(longLived.signal)).toBe(0)
    expect(await collected(refs.consumer), 'the consumer, although the channel and signal live on').toBe(true)
    expect(chan.trySend(new Payload(1)), 'no receive of the closed consumer is left on the channel').toBe(
      false,
    )
  })

  it('close() calls return() on an async source and drops it', async () => {
    let returned = 0
    const refs = await (async () => {
      const source = {
        [Symbol.asyncIterator]() {
          return {
            next: () => new Promise<IteratorResult<Payload>>(() => {}),
            return: async () => {
              returned++
              return { value: undefined, done: true as const }
            },
          }
        },
      }
      const consumer = new ChannelConsumer<Payload>(source)
      consumer.get().catch(ignore)
      await settle()
      await consumer.close()
      return { consumer: new WeakRef(consumer), source: new WeakRef(source) }
    })()
    expect(returned).toBe(1)
    expect(await collected(refs.consumer)).toBe(true)
    expect(await collected(refs.source)).toBe(true)
  })
})

describe('PubSub and Notifier leave nothing behind', () => {
  it('unsubscribing removes the subscription and its listener; a waiting publish lets go of it', async () => {
    const longLived = new AbortController()
    const pubsub = new PubSub<Payload>()
    const refs = await (async () => {
      const subscription = pubsub.subscribe({ signal: longLived.signal })
      const publishing = pubsub.publish(new Payload(1), { signal: longLived.signal })
      await settle()
      // The subscription and the publish share one listener.
      expect(listeners(longLived.signal)).toBe(1)
      subscription.unsubscribe()
      expect(await publishing).toBe(0)
      return { subscription: new WeakRef(subscription) }
    })()
    expect(pubsub.subscribers).toBe(0)
    expect(listeners(longLived.signal)).toBe(0)
    expect(await collected(refs.subscription)).toBe(true)
    pubsub.close()
  })

  it('close() ends every subscription and settles every publish; then all of it is collected', async () => {
    const longLived = new AbortController()
    const refs = await (async () => {
      const pubsub = new PubSub<Payload>()
      const subscriptions = [
        pubsub.subscribe({ signal: longLived.signal }),
        pubsub.subscribe({ capacity: 2 }),
      ]
      const value = new Payload(1)
      const publishing = pubsub.publish(value, { signal: longLived.signal })
      await settle()
      pubsub.close()
      expect(await publishing, 'delivered to the buffered subscription only').toBe(1)
      expect(await subscriptions[1]?.next()).toEqual({ value, done: false })
      expect(await subscriptions[1]?.next()).toEqual({ value: undefined, done: true })
      return { pubsub: new WeakRef(pubsub), value: new WeakRef(value) }
    })()
    expect(listeners(longLived.signal)).toBe(0)
    expect(await collected(refs.pubsub)).toBe(true)
    expect(await collected(refs.value)).toBe(true)
  })

  it('a Notifier drops a key, and the key object, once its last subscription ends', async () => {
    const notifier = new Notifier<object, Payload>()
    const refs = (() => {
      const key = { name: 'topic' }
      const subscription = notifier.subscribe(key)
      const again = notifier.subscribe(key, { capacity: 1 })
      expect(notifier.subscribers(key)).toBe(2)
      subscription.unsubscribe()
      again[Symbol.dispose]()
      expect(notifier.subscribers(key)).toBe(0)
      return { key: new WeakRef(key) }
    })()
    expect(await collected(refs.key), 'the key of a topic with no subscribers').toBe(true)
  })

  it('the event-loop yield of a busy channel survives fake timers and leaves no timer', async () => {
    vi.useFakeTimers()
    try {
      const timers = vi.getTimerCount()
      const chan = new Chan<number>(Number.POSITIVE_INFINITY)
      for (let i = 0; i < 50_000; i++) await chan.send(i)
      let sum = 0
      for (let i = 0; i < 50_000; i++) sum += await chan.receive()
      expect(sum).toBe((49_999 * 50_000) / 2)
      expect(vi.getTimerCount()).toBe(timers)
    } finally {
      vi.useRealTimers()
    }
  })
})
