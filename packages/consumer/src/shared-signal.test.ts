import { BigBuffer } from '@bigbuff/buffer'
import { expectOneListenerPerSignal } from '@bigbuff/test-utils'
import { describe, expect, it } from 'vitest'
import { iterate, range, rangeBatch } from './index.js'

describe('loops sharing one AbortSignal', () => {
  it('10,000 range() loops waiting for a value add one abort listener and print no warning', async () => {
    const buffer = new BigBuffer<number>()
    await expectOneListenerPerSignal((signal) => range(buffer.consumer(), () => {}, { signal }))
    expect(buffer.consumers).toBe(10_000)
  })

  it('10,000 iterate() loops waiting for a value add one abort listener', async () => {
    const buffer = new BigBuffer<number>()
    await expectOneListenerPerSignal((signal) => iterate(buffer.consumer(), { signal }).next())
  })

  it('10,000 rangeBatch() loops gathering a batch add one abort listener, and lose nothing', async () => {
    const buffer = new BigBuffer<number>({ cooldown: 0 })
    const consumers = Array.from({ length: 10_000 }, () => buffer.consumer())
    await buffer.put(1)
    let called = 0
    await expectOneListenerPerSignal((signal, index) =>
      rangeBatch(consumers[index] as (typeof consumers)[number], () => void called++, {
        maxSize: 2,
        maxWait: 60_000,
        signal,
      }),
    )
    expect(called).toBe(0)
    expect(await consumers[0]?.get()).toBe(1)
  })
})
