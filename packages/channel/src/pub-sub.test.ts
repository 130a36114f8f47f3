/// <reference types="node" />
import { getEventListeners } from 'node:events'
import { ClosedError } from '@bigbuff/core'
import { expectOneListenerPerSignal } from '@bigbuff/test-utils'
import { describe, expect, it } from 'vitest'
import { PubSub } from './pub-sub.js'

async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false
  promise.then(
    () => (done = true),
    () => (done = true),
  )
  for (let i = 0; i < 5; i++) await Promise.resolve()
  return done
}

const DONE = { value: undefined, done: true }

describe('PubSub publish', () => {
  it('PubSub.publish() with no subscribers resolves 0', async () => {
    await expect(new PubSub<number>().publish(1)).resolves.toBe(0)
  })

  it('PubSub.publish() waits for every subscription to take the value, then resolves the count', async () => {
    const pubsub = new PubSub<string>()
    const a = pubsub.subscribe()
    const b = pubsub.subscribe()
    expect(pubsub.subscribers).toBe(2)
    const published = pubsub.publish('hello')
    await expect(a.next()).resolves.toEqual({ value: 'hello', done: false })
    expect(await settled(published)).toBe(false)
    await expect(b.next()).resolves.toEqual({ value: 'hello', done: false })
    await expect(published).resolves.toBe(2)
  })

  it('PubSub.publish() resolves at once when every subscription has room to buffer', async () => {
    const pubsub = new PubSub<number>()
    const buffered = pubsub.subscribe({ capacity: 2 })
    await expect(pubsub.publish(1)).resolves.toBe(1)
    await expect(pubsub.publish(2)).resolves.toBe(1)
    const third = pubsub.publish(3)
    expect(await settled(third)).toBe(false)
    await expect(buffered.next()).resolves.toEqual({ value: 1, done: false })
    await expect(third).resolves.toBe(1)
    await expect(buffered.next()).resolves.toEqual({ value: 2, done: false })
    await expect(buffered.next()).resolves.toEqual({ value: 3, done: false })
  })

  it('PubSub.publish() hands the value to a subscription already waiting in next()', async () => {
    const pubsub = new PubSub<number>()
    const subscription = pubsub.subscribe()
    const next = subscription.next()
    await expect(pubsub.publish(5)).resolves.toBe(1)
    await expect(next).resolves.toEqual({ value: 5, done: false })
  })

  it('PubSub subscriptions receive values in publish order', async () => {
    const pubsub = new PubSub<number>()
    const subscription = pubsub.subscribe()
    const published = [pubsub.publish(1), pubsub.publish(2), pubsub.publish(3)]
    const received: number[] = []
    for await (const value of subscription) {
      received.push(value)
      if (received.length === 3) break
    }
    expect(received).toEqual([1, 2, 3])
    expect(await Promise.all(published)).toEqual([1, 1, 1])
  })

  it('a new PubSub subscription never sees values published before it', async () => {
    const pubsub = new PubSub<number>()
    const early = pubsub.subscribe({ capacity: 4 })
    await expect(pubsub.publish(1)).resolves.toBe(1)
    const late = pubsub.subscribe({ capacity: 4 })
    await expect(pubsub.publish(2)).resolves.toBe(2)
    pubsub.close()
    const collect = async (subscription: AsyncIterable<number>): Promise<number[]> => {
      const values: number[] = []
      for await (const value of subscription) values.push(value)
      return values
    }
    expect(await collect(early)).toEqual([1, 2])
    expect(await collect(late)).toEqual([2])
  })

  it('PubSub.publish() counts a subscription that unsubscribes before taking the value as not delivered', async () => {
    const pubsub = new PubSub<number>()
    const taker = pubsub.subscribe()
    const leaver = pubsub.subscribe()
    const published = pubsub.publish(1)
    await taker.next()
    leaver.unsubscribe()
    await expect(published).resolves.toBe(1)
    expect(pubsub.subscribers).toBe(1)
  })

  it('aborting PubSub.publish() rejects with the reason; subscriptions that took the value keep it', async () => {
    const pubsub = new PubSub<number>()
    const fast = pubsub.subscribe({ capacity: 1 })
    const slow = pubsub.subscribe()
    const controller = new AbortController()
    const published = pubsub.publish(1, { signal: controller.signal })
    controller.abort('too slow')
    await expect(published).rejects.toBe('too slow')
    await expect(fast.next()).resolves.toEqual({ value: 1, done: false })
    const next = slow.next()
    await pubsub.publish(2)
    await expect(next).resolves.toEqual({ value: 2, done: false })
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })

  it('PubSub.publish() removes its abort listener once delivered', async () => {
    const pubsub = new PubSub<number>()
    const subscription = pubsub.subscribe()
    const controller = new AbortController()
    const published = pubsub.publish(1, { signal: controller.signal })
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1)
    await subscription.next()
    await published
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })

  it('PubSub.publish() with an already aborted signal rejects and delivers nothing', async () => {
    const pubsub = new PubSub<number>()
    const subscription = pubsub.subscribe({ capacity: 1 })
    await expect(pubsub.publish(1, { signal: AbortSignal.abort('no') })).rejects.toBe('no')
    const next = subscription.next()
    expect(await settled(next)).toBe(false)
    subscription.unsubscribe()
    await expect(next).resolves.toEqual(DONE)
  })
})

describe('PubSub subscriptions end', () => {
  it('Subscription.unsubscribe() ends it, drops what it buffered and is idempotent', async () => {
    const pubsub = new PubSub<number>()
    const subscription = pubsub.subscribe({ capacity: 4 })
    await pubsub.publish(1)
    subscription.unsubscribe()
    subscription.unsubscribe()
    expect(pubsub.subscribers).toBe(0)
    await expect(subscription.next()).resolves.toEqual(DONE)
    await expect(pubsub.publish(2)).resolves.toBe(0)
  })

  it('breaking out of for await over a Subscription unsubscribes it', async () => {
    const pubsub = new PubSub<number>()
    const subscription = pubsub.subscribe({ capacity: 4 })
    expect(subscription[Symbol.asyncIterator]()).toBe(subscription)
    await pubsub.publish(1)
    await pubsub.publish(2)
    for await (const value of subscription) {
      expect(value).toBe(1)
      break
    }
    expect(pubsub.subscribers).toBe(0)
    await expect(subscription.return?.()).resolves.toEqual(DONE)
  })

  it('using a Subscription unsubscribes it at the end of the block', () => {
    const pubsub = new PubSub<number>()
    {
      using subscription = pubsub.subscribe()
      expect(subscription).toBeDefined()
      expect(pubsub.subscribers).toBe(1)
    }
    expect(pubsub.subscribers).toBe(0)
  })

  it('a Subscription signal aborting ends it: next() resolves done, it does not reject', async () => {
    const pubsub = new PubSub<number>()
    const controller = new AbortController()
    const subscription = pubsub.subscribe({ signal: controller.signal })
    const next = subscription.next()
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1)
    controller.abort(new Error('ignored'))
    await expect(next).resolves.toEqual(DONE)
    expect(pubsub.subscribers).toBe(0)
  })

  it('unsubscribing removes the Subscription signal listener', () => {
    const pubsub = new PubSub<number>()
    const controller = new AbortController()
    const subscription = pubsub.subscribe({ signal: controller.signal })
    subscription.unsubscribe()
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })

  it('PubSub.subscribe() with an already aborted signal returns an ended subscription', async () => {
    const pubsub = new PubSub<number>()
    const subscription = pubsub.subscribe({ signal: AbortSignal.abort() })
    expect(pubsub.subscribers).toBe(0)
    await expect(subscription.next()).resolves.toEqual(DONE)
    await expect(pubsub.publish(1)).resolves.toBe(0)
  })

  it('unsubscribing one of several subscriptions leaves the others receiving', async () => {
    const pubsub = new PubSub<number>()
    const subscriptions = [0, 1, 2, 3].map(() => pubsub.subscribe({ capacity: 1 }))
    subscriptions[1]?.unsubscribe()
    subscriptions[0]?.unsubscribe()
    expect(pubsub.subscribers).toBe(2)
    await expect(pubsub.publish(9)).resolves.toBe(2)
    await expect(subscriptions[2]?.next()).resolves.toEqual({ value: 9, done: false })
    await expect(subscriptions[3]?.next()).resolves.toEqual({ value: 9, done: false })
  })
})

describe('PubSub close', () => {
  it('PubSub.close() lets each subscription deliver what it buffered, then ends it', async () => {
    const pubsub = new PubSub<number>()
    const subscription = pubsub.subscribe({ capacity: 2 })
    const idle = pubsub.subscribe()
    const waiting = idle.next()
    await pubsub.publish(1).catch(() => undefined)
    await expect(waiting).resolves.toEqual({ value: 1, done: false })
    pubsub.close()
    expect(pubsub.closed).toBe(true)
    expect(pubsub.subscribers).toBe(0)
    const received: number[] = []
    for await (const value of subscription) received.push(value)
    expect(received).toEqual([1])
    await expect(idle.next()).resolves.toEqual(DONE)
  })

  it('a PubSub.publish() in flight at close() resolves with the number delivered so far', async () => {
    const pubsub = new PubSub<number>()
    const taker = pubsub.subscribe()
    pubsub.subscribe()
    const published = pubsub.publish(1)
    await taker.next()
    pubsub.close()
    await expect(published).resolves.toBe(1)
  })

  it('after PubSub.close(), publish() rejects and subscribe() throws ClosedError; close() is idempotent', async () => {
    const pubsub = new PubSub<number>()
    pubsub.close()
    pubsub.close()
    await expect(pubsub.publish(1)).rejects.toThrow('Cannot publish: the pub-sub is closed')
    expect(() => pubsub.subscribe()).toThrow(ClosedError)
  })

  it('using a PubSub closes it at the end of the block', () => {
    let outer: PubSub<number> | undefined
    {
      using pubsub = new PubSub<number>()
      outer = pubsub
    }
    expect(outer.closed).toBe(true)
  })

  it('unsubscribing after PubSub.close() drops what the subscription still buffered', async () => {
    const pubsub = new PubSub<number>()
    const subscription = pubsub.subscribe({ capacity: 2 })
    await pubsub.publish(1)
    pubsub.close()
    subscription.unsubscribe()
    await expect(subscription.next()).resolves.toEqual(DONE)
  })

  it('a Subscription signal aborting after PubSub.close() ends it at once, dropping what it buffered', async () => {
    const pubsub = new PubSub<number>()
    const controller = new AbortController()
    const subscription = pubsub.subscribe({ capacity: 2, signal: controller.signal })
    await pubsub.publish(0)
    await pubsub.publish(1)
    pubsub.close()
    controller.abort(new Error('the subscriber left'))
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
    await expect(subscription.next()).resolves.toEqual(DONE)
  })

  it('after PubSub.close() a Subscription keeps its abort listener only until its buffer is drained', async () => {
    const pubsub = new PubSub<number>()
    const controller = new AbortController()
    const subscription = pubsub.subscribe({ capacity: 2, signal: controller.signal })
    await pubsub.publish(0)
    await pubsub.publish(1)
    pubsub.close()
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1)
    await expect(subscription.next()).resolves.toEqual({ value: 0, done: false })
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1)
    await expect(subscription.next()).resolves.toEqual({ value: 1, done: false })
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
    controller.abort()
    await expect(subscription.next()).resolves.toEqual(DONE)
  })

  it('PubSub.close() removes the abort listener of a Subscription with nothing buffered', async () => {
    const pubsub = new PubSub<number>()
    const controller = new AbortController()
    const subscription = pubsub.subscribe({ capacity: 2, signal: controller.signal })
    const unbuffered = pubsub.subscribe({ signal: controller.signal })
    // Subscriptions sharing a signal share its one listener.
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1)
    pubsub.close()
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
    await expect(subscription.next()).resolves.toEqual(DONE)
    await expect(unbuffered.next()).resolves.toEqual(DONE)
  })

  it('unsubscribing a draining Subscription after PubSub.close() removes its abort listener', async () => {
    const pubsub = new PubSub<number>()
    const controller = new AbortController()
    const subscription = pubsub.subscribe({ capacity: 1, signal: controller.signal })
    await pubsub.publish(0)
    pubsub.close()
    subscription.unsubscribe()
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
    await expect(subscription.next()).resolves.toEqual(DONE)
  })
})

describe('PubSub bad input', () => {
  it.each([
    [-1, RangeError, '-1'],
    [0.5, RangeError, '0.5'],
    [Number.NaN, RangeError, 'NaN'],
    ['1', TypeError, '"1"'],
    [null, TypeError, 'null'],
  ])('PubSub.subscribe({ capacity: %s }) throws %s and subscribes nothing', (capacity, type, shown) => {
    const pubsub = new PubSub<number>()
    expect(() => pubsub.subscribe({ capacity: capacity as number })).toThrow(type)
    expect(() => pubsub.subscribe({ capacity: capacity as number })).toThrow(
      `Cannot subscribe: capacity must be a non-negative integer or Infinity, received ${shown}`,
    )
    expect(pubsub.subscribers).toBe(0)
  })

  it('PubSub.subscribe({ capacity: undefined }) takes the default: an unbuffered subscription', async () => {
    const pubsub = new PubSub<number>()
    const subscription = pubsub.subscribe({ capacity: undefined } as never)
    const published = pubsub.publish(1)
    expect(await settled(published)).toBe(false)
    await expect(subscription.next()).resolves.toEqual({ value: 1, done: false })
    await expect(published).resolves.toBe(1)
  })

  it('PubSub.subscribe() and publish() reject bad options', async () => {
    const pubsub = new PubSub<number>()
    expect(() => pubsub.subscribe(5 as never)).toThrow(
      'Cannot subscribe: options must be an object, received 5',
    )
    expect(() => pubsub.subscribe({ signal: {} as AbortSignal })).toThrow(TypeError)
    await expect(pubsub.publish(1, { signal: 1 as never })).rejects.toThrow(
      'Cannot publish: signal must be an AbortSignal, received 1',
    )
  })

  it('PubSub.subscribe({ capacity: Infinity }) never holds publishers back', async () => {
    const pubsub = new PubSub<number>()
    const subscription = pubsub.subscribe({ capacity: Number.POSITIVE_INFINITY })
    for (let i = 0; i < 100; i++) await expect(pubsub.publish(i)).resolves.toBe(1)
    const received: number[] = []
    pubsub.close()
    for await (const value of subscription) received.push(value)
    expect(received).toHaveLength(100)
  })
})

describe('PubSub and one shared signal', () => {
  it('10,000 publish() waiting on one signal add one abort listener and print no warning', async () => {
    const pubsub = new PubSub<number>()
    const subscription = pubsub.subscribe()
    await expectOneListenerPerSignal((signal, i) => pubsub.publish(i, { signal }))
    // Every aborted publish withdrew its value.
    const next = subscription.next()
    await expect(pubsub.publish(-1)).resolves.toBe(1)
    await expect(next).resolves.toEqual({ value: -1, done: false })
  })

  it('10,000 subscriptions on one signal add one abort listener; the abort ends them all', async () => {
    const pubsub = new PubSub<number>()
    const controller = new AbortController()
    const subscriptions = Array.from({ length: 10_000 }, () =>
      pubsub.subscribe({ signal: controller.signal }),
    )
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1)
    controller.abort()
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
    expect(pubsub.subscribers).toBe(0)
    await expect(subscriptions[9_999]?.next()).resolves.toEqual({ value: undefined, done: true })
  })
})
