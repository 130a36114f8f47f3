import { expectOneListenerPerSignal } from '@bigbuff/test-utils'
import { describe, expect, it } from 'vitest'
import { Cond, exponentialRetry, linearAttempt, sleep, waitFor } from './index.js'

describe('async-utils and one shared signal', () => {
  it('10,000 sleep()s on one signal add one abort listener and print no warning', async () => {
    await expectOneListenerPerSignal((signal) => sleep(60_000, { signal }))
  })

  it('10,000 Cond.wait()s and waitFor()s on one signal add one abort listener', async () => {
    const cond = new Cond()
    await expectOneListenerPerSignal((signal) => cond.wait({ signal }))
    expect(cond.waiting).toBe(0)
    await expectOneListenerPerSignal((signal) => waitFor(cond, () => false, { signal }))
    expect(cond.waiting).toBe(0)
  })

  it('10,000 exponentialRetry() calls backing off on one signal add one abort listener', async () => {
    await expectOneListenerPerSignal((signal) =>
      exponentialRetry(
        () => {
          throw new Error('retry me')
        },
        { signal, base: 60_000, random: () => 0.5 },
      )(),
    )
  })

  it('10,000 linearAttempt() iterators waiting on one signal add one abort listener', async () => {
    await expectOneListenerPerSignal(async (signal) => {
      const attempts = linearAttempt(60_000, 3, { signal })
      await attempts.next()
      return attempts.next()
    })
  })
})
