import { PubSub } from '@bigbuff/channel'
import { expect, it } from 'vitest'

// F4 in FINDINGS.md. SPEC: "A subscription ends (its iterator completes) on unsubscribe(), dispose,
// return(), its signal aborting, or close() of the pub-sub." close() removes the subscription's abort
// listener while the subscription still drains its buffer, so an abort after close() is ignored.
it('PubSub: a subscription whose signal aborts after close() ends at once, like unsubscribe() does', async () => {
  const pubsub = new PubSub<number>()
  const controller = new AbortController()
  const subscription = pubsub.subscribe({ capacity: 1, signal: controller.signal })
  expect(await pubsub.publish(0)).toBe(1)
  pubsub.close()
  controller.abort(new Error('the subscriber left'))
  expect(await subscription.next()).toEqual({ value: undefined, done: true })
})

it('PubSub: for comparison, unsubscribe() after close() ends the subscription at once', async () => {
  const pubsub = new PubSub<number>()
  const subscription = pubsub.subscribe({ capacity: 1 })
  expect(await pubsub.publish(0)).toBe(1)
  pubsub.close()
  subscription.unsubscribe()
  expect(await subscription.next()).toEqual({ value: undefined, done: true })
})
