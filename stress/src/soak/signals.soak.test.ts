import { allSignals, anySignal } from '@bigbuff/async-utils'
import { expect, it } from 'vitest'
import { mib } from '../support/memory.js'
import { listeners } from '../support/signals.js'
import { HeapLog } from '../support/soak.js'

const ROUNDS = 1_000_000

it('1e6 anySignal and 1e6 allSignals created and disposed against one long-lived signal: flat heap, no listener left', async () => {
  const log = new HeapLog('anySignal/allSignals 1e6 each against one signal')
  const longLived = new AbortController()
  const other = new AbortController()
  await log.start()
  const checkpoints: number[] = []
  let aborted = 0
  for (let i = 1; i <= ROUNDS; i++) {
    const any = anySignal([longLived.signal, null])
    const all = allSignals([longLived.signal, other.signal])
    if (any.signal.aborted || all.signal.aborted) aborted++
    any.dispose()
    all[Symbol.dispose]()
    if (i % 100_000 === 0) {
      log.sample()
      checkpoints.push(await log.retained(`after ${i / 1000}k`))
    }
  }
  log.print({ rounds: ROUNDS, 'listeners left': listeners(longLived.signal) })
  expect(aborted).toBe(0)
  expect(listeners(longLived.signal)).toBe(0)
  expect(listeners(other.signal)).toBe(0)
  const growth = Math.max(...checkpoints) - Math.min(...checkpoints)
  expect(growth, `the heap moved by ${mib(growth)} between checkpoints`).toBeLessThan(1024 * 1024)
  expect((checkpoints.at(-1) as number) - log.baseline).toBeLessThan(1024 * 1024)
  longLived.abort()
})
