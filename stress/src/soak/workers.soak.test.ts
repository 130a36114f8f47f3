import { Workers } from '@bigbuff/workers'
import { expect, it } from 'vitest'
import { mib } from '../support/memory.js'
import { HeapLog } from '../support/soak.js'

const JOBS = 1_000_000
const BATCH = 10_000

it('1e6 Workers jobs: heap back to baseline once idle', async () => {
  const log = new HeapLog('Workers 1e6 jobs')
  const workers = new Workers()
  await log.start()
  let sum = 0
  let maxPending = 0
  const work = async ({ signal }: { signal: AbortSignal }): Promise<number> => (signal.aborted ? 0 : 1)
  for (let done = 0; done < JOBS; done += BATCH) {
    const calls = new Array<Promise<number>>(BATCH)
    for (let i = 0; i < BATCH; i++) calls[i] = workers.call(8, work)
    maxPending = Math.max(maxPending, workers.pending)
    for (const n of await Promise.all(calls)) sum += n
    if ((done + BATCH) % 100_000 === 0) log.sample()
  }
  await workers.wait()
  const idle = await log.retained('retained once idle')
  log.print({ jobs: JOBS, 'largest queue': maxPending })
  expect(sum).toBe(JOBS)
  expect(workers.count + workers.pending).toBe(0)
  expect(idle - log.baseline, `retained ${mib(idle - log.baseline)} above baseline`).toBeLessThan(1024 * 1024)
})
