import { ChannelConsumer } from '@bigbuff/channel'
import { isBigbuffError } from '@bigbuff/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { runs } from '../support/profile.js'
import { Actors, drive, runUntilQuiet, yielder } from '../support/schedule.js'
import { settle } from '../support/settle.js'
import { Signals } from '../support/signals.js'

type Step = 'get' | 'getAbort' | 'commit' | 'rollback' | 'close'

describe('ChannelConsumer over a real async generator loses nothing', () => {
  it(`a value the generator yields after an abort or a close is kept: committed or in buffered() (${runs(100)} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 0, max: 8 }),
        fc.boolean(),
        fc.array(fc.constantFrom<Step>('get', 'get', 'getAbort', 'commit', 'rollback', 'close'), {
          minLength: 1,
          maxLength: 14,
          size: 'max',
        }),
        fc.nat({ max: 3 }),
        async (s, count, throws, steps, abortAfter) => {
          const produced: number[] = []
          let finallyRan = false
          const failure = new Error('the generator failed')
          // Every step of the generator waits for the scheduler, so reads are in flight when aborts
          // and close land.
          async function* source(): AsyncGenerator<number> {
            try {
              for (let i = 0; i < count; i++) {
                await s.schedule(Promise.resolve(), `generator ${i}`)
                produced.push(i)
                yield i
              }
              await s.schedule(Promise.resolve(), 'generator end')
              if (throws) throw failure
            } finally {
              finallyRan = true
            }
          }
          const consumer = new ChannelConsumer<number>(source())
          const signals = new Signals()
          const actors = new Actors()
          const committed: number[] = []
          let inHand: number[] = []
          let failures = 0

          const reader = actors.spawn(async () => {
            const pause = yielder(s, 'reader')
            for (const step of steps) {
              await pause()
              if (step === 'close') {
                void consumer.close()
                continue
              }
              if (step === 'commit' || step === 'rollback') {
                const pending = consumer.pending
                await consumer[step]().then(
                  () => {
                    if (step === 'commit') committed.push(...inHand)
                    inHand = []
                  },
                  (error: unknown) =>
                    expect(isBigbuffError(error), String(error)).toBe(pending === 0 || consumer.closed),
                )
                continue
              }
              const controller = signals.controller()
              const getting = consumer.get(step === 'getAbort' ? { signal: controller.signal } : undefined)
              if (step === 'getAbort') {
                void (async () => {
                  for (let i = 0; i < abortAfter; i++) await pause()
                  controller.abort(new Error('aborted while the generator works'))
                })()
              }
              const outcome = await getting.then(
                (value) => ({ value }),
                (error: unknown) => ({ error }),
              )
              if ('value' in outcome) inHand.push(outcome.value)
              else if (outcome.error === failure) failures++
              else if (outcome.error !== controller.signal.reason) {
                expect(isBigbuffError(outcome.error, 'ERR_BIGBUFF_CLOSED'), String(outcome.error)).toBe(true)
              }
            }
          })

          await runUntilQuiet(s, reader)
          void consumer.close()
          await drive(s, reader, 'the reader after close()')
          // A read still in flight at close finishes on its own; let the generator run out.
          await runUntilQuiet(s, consumer.done)
          await settle()
          actors.rethrow()

          expect(failures, 'a failing generator rejects one get() at most').toBeLessThanOrEqual(1)
          // Everything the generator produced is committed, or still in buffered(), in order.
          expect([...committed, ...consumer.buffered()], 'committed, then buffered()').toStrictEqual(produced)
          expect(signals.live, 'no listener left').toBe(0)
          expect(finallyRan || produced.length === 0 || !consumer.closed, 'close() ends the generator').toBe(
            true,
          )
        },
      ),
      { numRuns: runs(100) },
    )
  })
})
