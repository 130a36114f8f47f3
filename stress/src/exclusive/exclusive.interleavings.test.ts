import { Exclusive } from '@bigbuff/exclusive'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { runs } from '../support/profile.js'
import { Actors, drive, yielder } from '../support/schedule.js'
import { settle } from '../support/settle.js'
import { Signals } from '../support/signals.js'

interface Run {
  readonly key: string
  readonly id: number
  readonly started: number
  ended: number
}

const call = fc.record({
  key: fc.constantFrom('a', 'b'),
  steps: fc.nat({ max: 3 }),
  fails: fc.boolean(),
  as: fc.constantFrom('call', 'call', 'abort', 'start'),
  abortAfter: fc.nat({ max: 3 }),
})

describe('Exclusive under shuffled interleavings', () => {
  it(`never overlaps runs of a key, hands every caller a fresh shared outcome, drops every key (${runs(100)} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.array(call, { minLength: 1, maxLength: 6, size: 'max' }), { minLength: 1, maxLength: 3 }),
        async (s, callers) => {
          const errors: unknown[] = []
          const exclusive = new Exclusive<string>({ onError: (error) => errors.push(error) })
          const signals = new Signals()
          const actors = new Actors()
          let clock = 0
          const runsLog: Run[] = []
          const live = new Map<string, number>()
          let overlaps = 0

          const work = (key: string, steps: number, fails: boolean) => async (): Promise<Run> => {
            const run: Run = { key, id: runsLog.length, started: ++clock, ended: 0 }
            runsLog.push(run)
            live.set(key, (live.get(key) ?? 0) + 1)
            if ((live.get(key) as number) > 1) overlaps++
            for (let i = 0; i < steps; i++) await s.schedule(Promise.resolve(), `run ${run.id} of ${key}`)
            run.ended = ++clock
            live.set(key, (live.get(key) as number) - 1)
            if (fails) throw Object.assign(new Error(`run ${run.id} failed`), { run })
            return run
          }

          const tasks = callers.map((plan, c) =>
            actors.spawn(async () => {
              const pause = yielder(s, `caller ${c}`)
              for (const one of plan) {
                await pause()
                const fn = work(one.key, one.steps, one.fails)
                if (one.as === 'start') {
                  exclusive.start(one.key, fn)
                  continue
                }
                const controller = signals.controller()
                const calledAt = ++clock
                const calling = exclusive.call(
                  one.key,
                  fn,
                  one.as === 'abort' ? { signal: controller.signal } : undefined,
                )
                if (one.as === 'abort') {
                  void (async () => {
                    for (let i = 0; i < one.abortAfter; i++) await pause()
                    controller.abort(new Error('caller left'))
                  })()
                }
                const outcome = await calling.then(
                  (run) => ({ run }),
                  (error: unknown) => ({ error }),
                )
                if ('error' in outcome && outcome.error === controller.signal.reason) continue
                const run = 'run' in outcome ? outcome.run : (outcome.error as { run: Run }).run
                expect(run, 'a caller gets the outcome of a run').toBeDefined()
                expect(run.key, 'of its own key').toBe(one.key)
                // Freshness: the run whose outcome a call receives started after the call was made.
                expect(run.started, 'a run that started after the call').toBeGreaterThan(calledAt)
              }
            }),
          )

          await drive(s, Promise.all(tasks), 'the callers')
          await drive(
            s,
            (async () => {
              for (let i = 0; exclusive.size > 0 && i < 1000; i++)
                await s.schedule(Promise.resolve(), 'drain')
            })(),
            'the last runs',
          )
          await settle()
          actors.rethrow()
          expect(overlaps, 'runs of one key never overlap').toBe(0)
          for (const run of runsLog) expect(run.ended, `run ${run.id} finished`).toBeGreaterThan(run.started)
          expect(exclusive.size, 'no key keeps state once idle').toBe(0)
          expect(signals.live, 'no listener left').toBe(0)
        },
      ),
      { numRuns: runs(100) },
    )
  })
})
