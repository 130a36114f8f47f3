/// <reference types="node" />
import { expectOneListenerPerSignal } from '@bigbuff/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { openStream, redisUrl, uniqueKey, until } from '../test/helpers.js'
import { RedisExclusive, RedisWorkers } from './index.js'

const opened: (RedisExclusive | RedisWorkers)[] = []

afterEach(async () => {
  await Promise.all(opened.splice(0).map((closable) => closable.close()))
})

describe('@bigbuff/redis and one shared AbortSignal', () => {
  it('10,000 get()s waiting on a consumer add one abort listener and print no warning', async () => {
    const stream = openStream<number>()
    const consumer = stream.consumer('c')
    await expectOneListenerPerSignal((signal) => consumer.get({ signal }))
    // Nothing was taken by the aborted gets: the next value is read as usual.
    await stream.put(7)
    expect(await consumer.get()).toBe(7)
  })

  it('10,000 RedisExclusive calls add one abort listener and print no warning', async () => {
    const exclusive = new RedisExclusive({ url: redisUrl, namespace: uniqueKey('shared-signal') })
    opened.push(exclusive)
    let runs = 0
    // Each batch waits long enough for every caller to leave before it may start.
    await expectOneListenerPerSignal((signal, index) =>
      exclusive.call(`key-${index % 10}`, async () => ++runs, { signal, wait: 60_000 }),
    )
    expect(runs).toBe(0)
  })

  it('10,000 queued RedisWorkers jobs add one abort listener, and none of them runs', async () => {
    const workers = new RedisWorkers({ name: uniqueKey('shared-signal'), url: redisUrl })
    opened.push(workers)
    let release!: () => void
    const running = workers.call(
      1,
      () => new Promise<string>((resolve) => (release = () => resolve('first'))),
    )
    await until(() => workers.count === 1)
    let runs = 0
    await expectOneListenerPerSignal((signal) => workers.call(1, () => ++runs, { signal }))
    expect(workers.pending).toBe(0)
    release()
    expect(await running).toBe('first')
    expect(runs).toBe(0)
  })
})
