import { isBigbuffError } from '@bigbuff/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ChannelConsumer } from './channel-consumer.js'

const REASON = new Error('aborted by the schedule')

interface Step {
  /** Abort this get() at a random point of the schedule. */
  readonly abort: boolean
  /** Close the consumer at a random point while this get() runs; the run ends after it. */
  readonly close: boolean
  /** What to do with the value if the get() succeeds. */
  readonly after: 'commit' | 'rollback' | 'keep'
}

const stepArb: fc.Arbitrary<Step> = fc.record({
  abort: fc.boolean(),
  close: fc.nat({ max: 9 }).map((n) => n === 0),
  after: fc.constantFrom('commit' as const, 'rollback' as const, 'keep' as const),
})

describe('ChannelConsumer under random schedules', () => {
  it('random aborts during get() over a slow async generator lose and duplicate nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(stepArb, { maxLength: 25 }),
        fc.nat({ max: 12 }),
        async (s, steps, count) => {
          const produced: number[] = []
          let finished = false
          async function* source(): AsyncGenerator<number> {
            try {
              for (let i = 0; i < count; i++) {
                await s.schedule(Promise.resolve(), `produce ${i}`)
                produced.push(i)
                yield i
              }
            } finally {
              finished = true
            }
          }
          const consumer = new ChannelConsumer(source())
          const committed: number[] = []
          let inHand: number[] = []

          const consume = async (): Promise<void> => {
            for (const step of steps) {
              const controller = new AbortController()
              if (step.abort) void s.schedule(Promise.resolve(), 'abort').then(() => controller.abort(REASON))
              if (step.close) void s.schedule(Promise.resolve(), 'close').then(() => consumer.close())
              let value: number
              try {
                value = await consumer.get({ signal: controller.signal })
              } catch (error) {
                if (error === REASON) continue
                if (isBigbuffError(error, 'ERR_BIGBUFF_CLOSED')) break
                throw error
              }
              // The source yields 0, 1, 2, …: the next value is always the first not yet in hand.
              expect(value).toBe(committed.length + inHand.length)
              inHand.push(value)
              if (consumer.closed) break
              if (step.after === 'commit') {
                await consumer.commit()
                committed.push(...inHand)
                inHand = []
              } else if (step.after === 'rollback') {
                await consumer.rollback()
                inHand = []
              }
            }
          }
          await s.waitFor(consume())
          await consumer.close()
          await s.waitAll()
          await consumer.done
          expect(finished || produced.length === 0).toBe(true)
          // Every produced value was committed once, or is still in the buffer, in order.
          expect([...committed, ...consumer.buffered()]).toEqual(produced)
        },
      ),
      { numRuns: 150 },
    )
  })
})
