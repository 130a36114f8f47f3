import { Worker, Workers } from '@bigbuff/workers'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { runs } from '../support/profile.js'
import { Actors, drive, runUntilQuiet, yielder } from '../support/schedule.js'
import { settle } from '../support/settle.js'
import { Signals } from '../support/signals.js'

describe('Workers and Worker under shuffled interleavings', () => {
  it(`Workers: the latest count bounds every start, FIFO among waiting jobs, every job settles once (${runs(100)} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(
          fc.array(
            fc.record({
              count: fc.integer({ min: 1, max: 3 }),
              steps: fc.nat({ max: 3 }),
              fails: fc.boolean(),
              abort: fc.option(fc.nat({ max: 3 })),
              wrap: fc.boolean(),
            }),
            { minLength: 1, maxLength: 6, size: 'max' },
          ),
          { minLength: 1, maxLength: 3 },
        ),
        async (s, submitters) => {
          const workers = new Workers()
          const signals = new Signals()
          const actors = new Actors()
          let target = 1
          let running = 0
          let violations = 0
          const queued: number[] = []
          const started: number[] = []
          let next = 0
          const waits: Promise<void>[] = []
          const finished = new Set<number>()

          const tasks = submitters.map((jobs, p) =>
            actors.spawn(async () => {
              const pause = yielder(s, `submitter ${p}`)
              for (const job of jobs) {
                await pause()
                const id = next++
                const work = async (): Promise<number> => {
                  started.push(id)
                  // A start never exceeds the limit of the latest call made before it.
                  if (++running > target) violations++
                  try {
                    for (let i = 0; i < job.steps; i++) await s.schedule(Promise.resolve(), `job ${id}`)
                    if (job.fails) throw new Error(`job ${id} failed`)
                    return id
                  } finally {
                    running--
                    finished.add(id)
                  }
                }
                const controller = job.abort === null || job.wrap ? undefined : signals.controller()
                target = job.count
                queued.push(id)
                const calling = job.wrap
                  ? workers.wrap(job.count, work)()
                  : workers.call(job.count, work, controller && { signal: controller.signal })
                if (job.abort !== null && controller) {
                  void (async () => {
                    for (let i = 0; i < (job.abort as number); i++) await pause()
                    controller.abort(new Error(`job ${id} aborted`))
                    // A job still queued leaves the queue at once.
                    if (!started.includes(id)) finished.add(id)
                  })()
                }
                if (id % 3 === 0) {
                  // Every job queued or running when wait() was called has finished when it resolves.
                  const before = queued.filter((q) => !finished.has(q))
                  waits.push(
                    actors.spawn(async () => {
                      await workers.wait()
                      for (const q of before)
                        expect(finished.has(q), `job ${q} finished before wait() resolved`).toBe(true)
                    }),
                  )
                }
                const outcome = await calling.then(
                  (value) => ({ value }),
                  (error: unknown) => ({ error }),
                )
                if ('value' in outcome) expect(outcome.value).toBe(id)
                else if (outcome.error === controller?.signal.reason && !started.includes(id)) {
                  queued.splice(queued.indexOf(id), 1)
                  finished.add(id)
                } else {
                  expect(String(outcome.error)).toMatch(/failed|aborted/)
                }
              }
            }),
          )

          await drive(s, Promise.all(tasks), 'the submitters')
          await drive(s, Promise.all(waits), 'wait()')
          await settle()
          actors.rethrow()
          expect(violations, 'never more running than the latest count').toBe(0)
          expect(started, 'jobs start in the order they were queued, each once').toStrictEqual(queued)
          expect(workers.count + workers.pending).toBe(0)
          expect(signals.live).toBe(0)
        },
      ),
      { numRuns: runs(100) },
    )
  })

  it(`Worker: runs never overlap and a run is active exactly while held or stopping (${runs(100)} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(
          fc.array(fc.record({ hold: fc.nat({ max: 3 }), steps: fc.nat({ max: 3 }) }), {
            minLength: 1,
            maxLength: 5,
          }),
          { minLength: 1, maxLength: 3 },
        ),
        async (s, holders) => {
          const worker = new Worker()
          const actors = new Actors()
          let live = 0
          let overlaps = 0
          let runsStarted = 0
          const tasks = holders.map((plan, h) =>
            actors.spawn(async () => {
              const pause = yielder(s, `holder ${h}`)
              for (const hold of plan) {
                await pause()
                const release = worker.do(async (stop) => {
                  runsStarted++
                  if (++live > 1) overlaps++
                  try {
                    for (let i = 0; i < hold.steps || !stop.aborted; i++) {
                      await s.schedule(Promise.resolve(), `run ${runsStarted}`)
                      if (i > 50) break
                    }
                  } finally {
                    live--
                  }
                })
                expect(worker.active, 'active while held').toBe(true)
                for (let i = 0; i < hold.hold; i++) await pause()
                release()
                release()
              }
            }),
          )
          await drive(s, Promise.all(tasks), 'the holders')
          await runUntilQuiet(s, new Promise(() => {}))
          await settle()
          actors.rethrow()
          expect(overlaps, 'two runs never overlap').toBe(0)
          expect(worker.active, 'inactive once released and settled').toBe(false)
          expect(runsStarted).toBeGreaterThan(0)
        },
      ),
      { numRuns: runs(100) },
    )
  })
})
