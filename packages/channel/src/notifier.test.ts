import { describe, expect, it } from 'vitest'
import { Notifier } from './notifier.js'

const DONE = { value: undefined, done: true }

describe('Notifier', () => {
  it('Notifier.publish() delivers only to the subscriptions of its key', async () => {
    const notifier = new Notifier<string, number>()
    const eu = notifier.subscribe('eu', { capacity: 1 })
    const us = notifier.subscribe('us', { capacity: 1 })
    await expect(notifier.publish('eu', 1)).resolves.toBe(1)
    await expect(eu.next()).resolves.toEqual({ value: 1, done: false })
    us.unsubscribe()
    await expect(us.next()).resolves.toEqual(DONE)
  })

  it('Notifier.publish() to a key nobody subscribed resolves 0', async () => {
    await expect(new Notifier<string, number>().publish('nobody', 1)).resolves.toBe(0)
  })

  it('Notifier.publish() waits for each subscription of the key to take the value', async () => {
    const notifier = new Notifier<number, string>()
    const a = notifier.subscribe(1)
    const b = notifier.subscribe(1)
    const published = notifier.publish(1, 'x')
    await a.next()
    await b.next()
    await expect(published).resolves.toBe(2)
  })

  it('Notifier.subscribers() counts per key and forgets a key with its last subscription', async () => {
    const notifier = new Notifier<object, number>()
    const key = {}
    expect(notifier.subscribers(key)).toBe(0)
    const first = notifier.subscribe(key)
    const second = notifier.subscribe(key)
    expect(notifier.subscribers(key)).toBe(2)
    expect(notifier.subscribers({})).toBe(0)
    first.unsubscribe()
    expect(notifier.subscribers(key)).toBe(1)
    second[Symbol.dispose]()
    expect(notifier.subscribers(key)).toBe(0)
    await expect(notifier.publish(key, 1)).resolves.toBe(0)
    const again = notifier.subscribe(key, { capacity: 1 })
    await expect(notifier.publish(key, 2)).resolves.toBe(1)
    await expect(again.next()).resolves.toEqual({ value: 2, done: false })
  })

  it('Notifier subscriptions end on abort, and an already aborted signal gives an ended one', async () => {
    const notifier = new Notifier<string, number>()
    const controller = new AbortController()
    const subscription = notifier.subscribe('k', { signal: controller.signal })
    const next = subscription.next()
    controller.abort()
    await expect(next).resolves.toEqual(DONE)
    expect(notifier.subscribers('k')).toBe(0)
    const ended = notifier.subscribe('k', { signal: AbortSignal.abort() })
    expect(notifier.subscribers('k')).toBe(0)
    await expect(ended.next()).resolves.toEqual(DONE)
  })

  it('aborting Notifier.publish() rejects with the reason', async () => {
    const notifier = new Notifier<string, number>()
    notifier.subscribe('k')
    const controller = new AbortController()
    const published = notifier.publish('k', 1, { signal: controller.signal })
    controller.abort('late')
    await expect(published).rejects.toBe('late')
    await expect(notifier.publish('k', 1, { signal: AbortSignal.abort('early') })).rejects.toBe('early')
  })

  it('Notifier rejects bad options: subscribe() throws, publish() rejects', async () => {
    const notifier = new Notifier<string, number>()
    expect(() => notifier.subscribe('k', { capacity: -2 })).toThrow(RangeError)
    expect(() => notifier.subscribe('k', { capacity: null as never })).toThrow(TypeError)
    expect(() => notifier.subscribe('k', { capacity: null as never })).toThrow(
      'Cannot subscribe: capacity must be a non-negative integer or Infinity, received null',
    )
    expect(notifier.subscribers('k')).toBe(0)
    await expect(notifier.publish('k', 1, 'x' as never)).rejects.toThrow(
      'Cannot publish: options must be an object, received "x"',
    )
  })
})
