import { Chan, ChannelConsumer } from '@bigbuff/channel'
import { range } from '@bigbuff/consumer'
import { isBigbuffError } from '@bigbuff/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { runs } from '../support/profile.js'
import { Actors, abortLater, drive, runUntilQuiet, yielder } from '../support/schedule.js'
import { settle } from '../support/settle.js'
import { Signals } from '../support/signals.js'

type SendStep = 'send' | 'sendAbort' | 'trySend' | 'closeChan'
type ReadStep = 'get' | 'getAbort' | 'commit' | 'rollback' | 'close' | 'range'

const sendStep = fc.constantFrom<SendStep>('send', 'send', 'sendAbort', 'trySend', 'closeChan')
const readStep = fc.constantFrom<ReadStep>(
  'get',
  'get',
  'get',
  'getAbort',
  'commit',
  'commit',
  'rollback',
  'close',
  'range',
)

describe('ChannelConsumer loses nothing when abort and close land anywhere', () => {
  it(`every value sent is committed, still buffered or still in the channel, exactly once (${runs(100)} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.constantFrom(0, 1, 4, Number.POSITIVE_INFINITY),
        fc.array(fc.array(sendStep, { minLength: 1, maxLength: 8, size: 'max' }), {
          minLength: 1,
          maxLength: 2,
          size: 'max',
        }),
        fc.array(
          fc.record({
            steps: fc.array(readStep, { minLength: 1, maxLength: 12, size: 'max' }),
            abortAfter: fc.nat({ max: 3 }),
            constructorSignal: fc.boolean(),
          }),
          { minLength: 1, maxLength: 2, size: 'max' },
        ),
        async (s, capacity, producers, readers) => {
          const chan = new Chan<string>(capacity)
          const signals = new Signals()
          const actors = new Actors()
          const sent: string[][] = producers.map(() => [])
          const ctors = readers.map((r) => (r.constructorSignal ? signals.controller() : undefined))
          const consumers = readers.map(
            (_, i) =>
              new ChannelConsumer<string>(chan, ctors[i] && { signal: (ctors[i] as AbortController).signal }),
          )
          const committed: string[][] = readers.map(() => [])

          const producerTasks = producers.map((steps, p) =>
            actors.spawn(async () => {
              const pause = yielder(s, `producer ${p}`)
              for (const [k, step] of steps.entries()) {
                await pause()
                const value = `${p}.${k}`
                if (step === 'closeChan') {
                  chan.close()
                  continue
                }
                if (step === 'trySend') {
                  try {
                    if (chan.trySend(value)) sent[p]?.push(value)
                  } catch (error) {
                    expect(isBigbuffError(error, 'ERR_BIGBUFF_CLOSED')).toBe(true)
                  }
                  continue
                }
                const controller = signals.controller()
                const sending = chan.send(
                  value,
                  step === 'sendAbort' ? { signal: controller.signal } : undefined,
                )
                if (step === 'sendAbort')
                  abortLater(controller, k % 3, pause, new Error('aborted mid-flight'))
                await sending.then(
                  () => sent[p]?.push(value),
                  (error: unknown) => {
                    if (error !== controller.signal.reason)
                      expect(isBigbuffError(error, 'ERR_BIGBUFF_CLOSED')).toBe(true)
                  },
                )
              }
            }),
          )

          const readerTasks = readers.map((reader, c) =>
            actors.spawn(async () => {
              const pause = yielder(s, `reader ${c}`)
              const consumer = consumers[c] as ChannelConsumer<string>
              const mine = committed[c] as string[]
              let inHand: string[] = []
              for (const step of reader.steps) {
                await pause()
                if (step === 'close') {
                  void consumer.close()
                  continue
                }
                if (step === 'commit' || step === 'rollback') {
                  const pending = consumer.pending
                  expect(pending).toBe(inHand.length)
                  await consumer[step]().then(
                    () => {
                      if (step === 'commit') mine.push(...inHand)
                      inHand = []
                    },
                    (error: unknown) => expect(isBigbuffError(error), `${step}: ${String(error)}`).toBe(true),
                  )
                  continue
                }
                if (step === 'range') {
                  // A range commits each value; it ends at ClosedError (source exhausted or closed).
                  const controller = signals.controller()
                  abortLater(controller, reader.abortAfter + 1, pause, new Error('aborted mid-flight'))
                  let calls = 0
                  await range(
                    consumer,
                    async (value) => {
                      inHand.push(value)
                      calls++
                      await pause()
                    },
                    { signal: controller.signal },
                  ).then(
                    () => undefined,
                    (error: unknown) => expect(error).toBe(controller.signal.reason),
                  )
                  if (calls > 0) {
                    mine.push(...inHand)
                    inHand = []
                  } else if (consumer.pending === 0) {
                    inHand = []
                  }
                  expect(consumer.pending).toBe(inHand.length)
                  continue
                }
                const controller = signals.controller()
                const getting = consumer.get(step === 'getAbort' ? { signal: controller.signal } : undefined)
                if (step === 'getAbort')
                  abortLater(controller, reader.abortAfter, pause, new Error('aborted mid-flight'))
                const outcome = await getting.then(
                  (value) => ({ value }),
                  (error: unknown) => ({ error }),
                )
                if ('value' in outcome) inHand.push(outcome.value)
                else if (outcome.error !== controller.signal.reason) {
                  expect(isBigbuffError(outcome.error, 'ERR_BIGBUFF_CLOSED'), String(outcome.error)).toBe(
                    true,
                  )
                  break
                }
              }
              // Rolled back values are delivered again, so they are not committed; they stay buffered.
              if (consumer.pending > 0) await consumer.rollback().catch(() => undefined)
            }),
          )

          const everyone = Promise.all([...producerTasks, ...readerTasks])
          await runUntilQuiet(s, everyone)
          // Whoever still waits for a partner is released by closing the channel and the consumers.
          chan.close()
          for (const consumer of consumers) void consumer.close()
          await drive(s, everyone, 'the actors after close()')
          await settle()
          actors.rethrow()

          const left: string[] = []
          for (let r = chan.tryReceive(); r.state === 'ok'; r = chan.tryReceive()) left.push(r.value)
          const buffered = consumers.flatMap((c) => c.buffered())
          const accounted = [...committed.flat(), ...buffered, ...left]
          expect(new Set(accounted).size, 'no value is delivered twice').toBe(accounted.length)
          expect([...accounted].sort(), 'every value sent is accounted for, and nothing else').toStrictEqual(
            sent.flat().sort(),
          )
          // One reader: what it committed, then buffered, then what the channel kept, is the send order
          // of each producer.
          if (consumers.length === 1) {
            for (const [p, values] of sent.entries()) {
              expect(accounted.filter((v) => v.startsWith(`${p}.`))).toStrictEqual(values)
            }
          }
          expect(signals.live, 'no listener left on any signal').toBe(0)
        },
      ),
      { numRuns: runs(100) },
    )
  })
})
