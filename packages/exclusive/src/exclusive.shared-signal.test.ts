import { expectOneListenerPerSignal } from '@bigbuff/test-utils'
import { describe, expect, it } from 'vitest'
import { Exclusive } from './exclusive.js'

/** Work that never settles, so every caller is still waiting when the signal aborts. */
const never = (): Promise<never> => new Promise<never>(() => {})

describe('Exclusive and one shared signal', () => {
  it('10,000 call()s of one key waiting on one signal add one abort listener and print no warning', async () => {
    const exclusive = new Exclusive<string>()
    await expectOneListenerPerSignal((signal) => exclusive.call('k', never, { signal }))
    // Every caller left: the run's own signal aborted, and the key goes once the run is over.
    expect(exclusive.running('k')).toBe(true)
  })

  it('10,000 call()s over 10,000 keys waiting on one signal add one abort listener', async () => {
    const exclusive = new Exclusive<number>()
    await expectOneListenerPerSignal((signal, key) => exclusive.call(key, never, { signal, wait: 60_000 }))
    // Every batch was left before it started: nothing is kept.
    expect(exclusive.size).toBe(0)
  })
})
