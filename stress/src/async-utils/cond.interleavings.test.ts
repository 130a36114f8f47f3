import { Cond, waitFor } from '@bigbuff/async-utils'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { runs } from '../support/profile.js'
import { Actors, drive, yielder } from '../support/schedule.js'
import { settle } from '../support/settle.js'
import { Signals } from '../support/signals.js'

describe('Cond under shuffled interleavings', () => {
  it(`Cond: no wake-up is lost; every waitFor ends once its predicate holds and someone broadcasts (${runs(100)} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.constantFrom('signal', 'broadcast', 'increment', 'abortOne'), {
          minLength: 1,
          maxLength: 20,
        }),
        async (s, targets, actions) => {
          const cond = new Cond()
          const signals = new Signals()
          const actors = new Actors()
          let counter = 0
          const controllers = targets.map(() => signals.controller())
          const results: ('done' | 'aborted')[] = []
          const waiters = targets.map((target, w) =>
            actors.spawn(async () => {
              await s.schedule(Promise.resolve(), `waiter ${w}`)
              const controller = controllers[w] as AbortController
              await waitFor(cond, () => counter >= target, { signal: controller.signal }).then(
                () => {
                  expect(counter).toBeGreaterThanOrEqual(target)
                  results[w] = 'done'
                },
                (error: unknown) => {
                  expect(error).toBe(controller.signal.reason)
                  results[w] = 'aborted'
                },
              )
            }),
          )
          const driver = actors.spawn(async () => {
            const pause = yielder(s, 'driver')
            let aborted = 0
            for (const action of actions) {
              await pause()
              if (action === 'increment') counter++
              else if (action === 'abortOne')
                controllers[aborted++ % controllers.length]?.abort(new Error('gone'))
              else cond[action]()
            }
            // Then make every predicate true and broadcast until everyone is done.
            counter = 10
            for (let i = 0; i < 20 && results.filter(Boolean).length < targets.length; i++) {
              cond.broadcast()
              await pause()
            }
          })
          await drive(s, Promise.all([...waiters, driver]), 'the waiters')
          await settle()
          actors.rethrow()
          expect(results.filter(Boolean)).toHaveLength(targets.length)
          expect(cond.waiting).toBe(0)
          expect(signals.live).toBe(0)
        },
      ),
      { numRuns: runs(100) },
    )
  })
})
