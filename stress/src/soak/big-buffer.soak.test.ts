import { BigBuffer } from '@bigbuff/buffer'
import { expect, it } from 'vitest'
import { mib } from '../support/memory.js'
import { turn } from '../support/settle.js'
import { HeapLog } from '../support/soak.js'

const VALUES = 1_000_000
const CONSUMERS = 10
const CHUNK = 1_000
const COMMIT_EVERY = 100
/** The consumers start only once this many values wait for them: a real backlog to release. */
const BACKLOG = 200_000

it('1e6 values through a BigBuffer with 10 committing consumers, from a 200k backlog: retained heap returns near baseline', async () => {
  const log = new HeapLog('BigBuffer 1e6 values × 10 consumers')
  await log.start()
  const buffer = new BigBuffer<{ readonly n: number }>()
  const consumers = Array.from({ length: CONSUMERS }, () => buffer.consumer())
  let produced = 0
  let maxSize = 0
  const sums = new Array<number>(CONSUMERS).fill(0)
  let release = (): void => {}
  const gate = new Promise<void>((resolve) => {
    release = resolve
  })
  let backlogRetained = 0

  const readers = consumers.map(async (consumer, c) => {
    await gate
    for (let read = 1; read <= VALUES; read++) {
      sums[c] = (sums[c] ?? 0) + (await consumer.get()).n
      if (read % COMMIT_EVERY === 0) await consumer.commit()
    }
  })
  const writer = (async () => {
    while (produced < VALUES) {
      const values = Array.from({ length: CHUNK }, (_, i) => ({ n: produced + i }))
      await buffer.putAll(values)
      produced += CHUNK
      maxSize = Math.max(maxSize, buffer.size)
      if (produced % 100_000 === 0) log.sample()
      if (produced === BACKLOG) {
        backlogRetained = await log.retained(`retained with ${BACKLOG / 1000}k values waiting`)
        release()
      }
      // Let the consumers and the cleaner's cooldown run between chunks.
      await turn()
    }
  })()
  await Promise.all([writer, ...readers])
  // The cleaner runs at most once per cooldown (10 ms): give it its trailing edge.
  await new Promise((resolve) => setTimeout(resolve, 30))
  const caughtUp = await log.retained('retained once caught up')
  log.print({ 'largest backlog': `${maxSize} values`, consumers: CONSUMERS })

  const expected = (VALUES * (VALUES - 1)) / 2
  expect(sums).toEqual(new Array(CONSUMERS).fill(expected))
  expect(buffer.size, 'everything every consumer committed was dropped').toBe(0)
  expect(caughtUp - log.baseline, `retained ${mib(caughtUp - log.baseline)} above baseline`).toBeLessThan(
    2 * 1024 * 1024,
  )
  expect(backlogRetained - log.baseline, 'the backlog was really held').toBeGreaterThan(BACKLOG * 8)
  await buffer.close()
})
