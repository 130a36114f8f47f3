/// <reference types="node" />

import { heapAfterGc, trackListeners } from '@bigbuff/test-utils'
import { expect, it } from 'vitest'
import { allSignals } from './all-signals.js'
import { anySignal } from './any-signal.js'

it('a million anySignal()/allSignals() results created and disposed against one signal leave no listener and no heap behind', async () => {
  expect(globalThis.gc, 'tests run with --expose-gc').toBeTypeOf('function')
  const longLived = new AbortController()
  const tracked = trackListeners(longLived.signal)
  const inputs = [longLived.signal]

  const undisposed = Array.from({ length: 10 }, () => anySignal(inputs))
  expect(tracked.live).toBe(10)
  for (const combined of undisposed) combined.dispose()
  expect(tracked.live).toBe(0)

  const before = await heapAfterGc()
  let aborted = 0
  for (let i = 0; i < 500_000; i++) {
    const any = anySignal(inputs)
    const all = allSignals(inputs)
    if (any.signal.aborted || all.signal.aborted) aborted++
    any.dispose()
    all.dispose()
  }
  const after = await heapAfterGc()

  expect(aborted).toBe(0)
  expect(tracked.live).toBe(0)
  // A leak of even one small object per result would be tens of megabytes here. Node 20 needs a few
  // microseconds to create each AbortSignal, so this test takes seconds (a timeout of minutes leaves
  // room for a busy machine).
  expect(after - before).toBeLessThan(2 * 1024 * 1024)
  longLived.abort()
}, 120_000)
