import { BigBuffer } from '@bigbuff/buffer'
import { iterate } from '@bigbuff/consumer'
import { isBigbuffError } from '@bigbuff/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { runs } from '../support/profile.js'
import { Actors, drive, yielder } from '../support/schedule.js'
import { settle } from '../support/settle.js'
import { Signals } from '../support/signals.js'

type ProducerStep = 'put' | 'putAll' | 'putAborted' | 'abortMidway' | 'close'
type ConsumerStep = 'get' | 'getAbort' | 'commit' | 'rollback' | 'close' | 'range' | 'rangeAbort' | 'iterate'

const producerStep = fc.constantFrom<ProducerStep>(
  'put',
  'put',
  'putAll',
  'putAborted',
  'abortMidway',
  'close',
)
const consumerStep = fc.constantFrom<ConsumerStep>(
  'get',
  'get',
  'get',
  'getAbort',
  'commit',
  'commit',
  'rollback',
  'close',
  'range',
  'rangeAbort',
  'iterate',
)

interface ConsumerScript {
  readonly steps: readonly ConsumerStep[]
  /** What the consumer does with reads still pending when its script ends or it is closed. */
  readonly finally: 'commit' | 'rollback'
  /** How many scheduler turns an aborting get() waits before aborting. */
  readonly abortAfter: number
}

const consumerScript: fc.Arbitrary<ConsumerScript> = fc.record({
  steps: fc.array(consumerStep, { minLength: 1, maxLength: 12, size: 'max' }),
  finally: fc.constantFrom('commit' as const, 'rollback' as const),
  abortAfter: fc.integer({ min: 0, max: 3 }),
})

describe('BigBuffer loses nothing when abort and close land anywhere', () => {
  it(`every consumer reads every appended value once, in order, again only after a rollback (${runs(100)} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.array(producerStep, { minLength: 1, maxLength: 8, size: 'max' }), {
          minLength: 1,
          maxLength: 3,
          size: 'max',
        }),
        fc.array(consumerScript, { minLength: 1, maxLength: 3, size: 'max' }),
        async (s, producers, scripts) => {
          const buffer = new BigBuffer<string>({ cooldown: 0 })
          const signals = new Signals()
          const actors = new Actors()
          const consumers = scripts.map(() => buffer.consumer())
          // Appends happen synchronously inside put()/putAll(), so the call order is the log order;
          // whether a call appended is what its promise says.
          const attempts: { values: string[]; appended: boolean | undefined }[] = []

          const producerTasks = producers.map((steps, p) =>
            actors.spawn(async () => {
              const pause = yielder(s, `producer ${p}`)
              for (const [k, step] of steps.entries()) {
                await pause()
                const values =
                  step === 'putAll' ? [`${p}.${k}.a`, `${p}.${k}.b`, `${p}.${k}.c`] : [`${p}.${k}`]
                if (step === 'close') {
                  void buffer.close()
                  continue
                }
                const controller = signals.controller()
                if (step === 'putAborted') controller.abort(new Error('aborted before the put'))
                // SPEC: a put appends at once unless the buffer is closed or the signal already aborted.
                const attempt = { values, appended: !buffer.closed && !controller.signal.aborted }
                attempts.push(attempt)
                const options =
                  step === 'put' || step === 'putAll' ? undefined : { signal: controller.signal }
                const put =
                  values.length === 1
                    ? buffer.put(values[0] as string, options)
                    : buffer.putAll(values, options)
                if (step === 'abortMidway') controller.abort(new Error('aborted after the put'))
                await put.then(
                  () => expect(attempt.appended, `${values} was appended`).toBe(true),
                  (error: unknown) => {
                    expect(attempt.appended, `${values} was refused: ${String(error)}`).toBe(false)
                    if (step !== 'putAborted') expect(isBigbuffError(error, 'ERR_BIGBUFF_CLOSED')).toBe(true)
                  },
                )
              }
            }),
          )

          const log = (): string[] => attempts.filter((a) => a.appended).flatMap((a) => a.values)
          const reads = scripts.map(() => ({ committed: [] as string[], cursor: 0, closedEarly: false }))

          const consumerTasks = scripts.map((script, c) =>
            actors.spawn(async () => {
              const pause = yielder(s, `consumer ${c}`)
              const consumer = consumers[c] as (typeof consumers)[number]
              const read = reads[c] as (typeof reads)[number]
              let inHand: string[] = []
              const resolvePending = async (how: 'commit' | 'rollback'): Promise<void> => {
                if (consumer.pending === 0) return
                await consumer[how]()
                if (how === 'commit') read.committed.push(...inHand)
                read.cursor = read.committed.length
                inHand = []
              }
              for (const step of script.steps) {
                await pause()
                if (step === 'close') {
                  read.closedEarly ||= !buffer.closed
                  void consumer.close()
                  continue
                }
                if (step === 'commit' || step === 'rollback') {
                  const pending = consumer.pending
                  const closed = consumer.closed
                  expect(pending).toBe(inHand.length)
                  await consumer[step]().then(
                    () => {
                      expect(pending).toBeGreaterThan(0)
                      if (step === 'commit') read.committed.push(...inHand)
                      read.cursor = read.committed.length
                      inHand = []
                    },
                    (error: unknown) => {
                      // Commit and rollback work while closing; only a finished consumer refuses them.
                      expect(pending, String(error)).toBe(0)
                      const expected = closed
                        ? 'ERR_BIGBUFF_CLOSED'
                        : step === 'commit'
                          ? 'ERR_BIGBUFF_NOTHING_TO_COMMIT'
                          : 'ERR_BIGBUFF_NOTHING_TO_ROLLBACK'
                      expect(isBigbuffError(error, expected), String(error)).toBe(true)
                    },
                  )
                  continue
                }
                if (step === 'range' || step === 'rangeAbort') {
                  const controller = signals.controller()
                  if (step === 'rangeAbort') {
                    void (async () => {
                      for (let i = 0; i < script.abortAfter + 1; i++) await pause()
                      controller.abort(new Error('aborted while ranging'))
                    })()
                  }
                  let calls = 0
                  const outcome = await buffer
                    .range(
                      consumer,
                      async (value) => {
                        expect(value).toBe(log()[read.cursor])
                        read.cursor++
                        inHand.push(value)
                        calls++
                        await pause()
                      },
                      { signal: controller.signal },
                    )
                    .then(
                      () => 'resolved',
                      (error: unknown) => {
                        expect(error).toBe(controller.signal.reason)
                        return 'rejected'
                      },
                    )
                  // Each turn commits everything pending; a failure before the first value rolls back.
                  if (calls > 0) {
                    read.committed.push(...inHand)
                    inHand = []
                  } else if (outcome === 'rejected') {
                    inHand = []
                  }
                  read.cursor = read.committed.length + inHand.length
                  expect(consumer.pending).toBe(inHand.length)
                  continue
                }
                if (step === 'iterate') {
                  // Take up to two values: the first is committed when the loop asks for the second, the second
                  // is rolled back by the break.
                  let taken = 0
                  for await (const value of iterate(consumer)) {
                    if (taken === 1) {
                      read.committed.push(...inHand)
                      inHand = []
                    }
                    expect(value).toBe(log()[read.cursor])
                    read.cursor++
                    inHand.push(value)
                    if (++taken === 2) break
                    await pause()
                  }
                  if (taken === 2) inHand = []
                  else if (taken === 1 && consumer.pending === 0) {
                    // The loop ended because the consumer closed after committing the value in hand.
                    read.committed.push(...inHand)
                    inHand = []
                  }
                  read.cursor = read.committed.length + inHand.length
                  expect(consumer.pending).toBe(inHand.length)
                  if (consumer.closed) break
                  continue
                }
                const controller = step === 'getAbort' ? signals.controller() : undefined
                const get = consumer.get(controller && { signal: controller.signal })
                if (controller) {
                  void (async () => {
                    for (let i = 0; i < script.abortAfter; i++) await pause()
                    controller.abort(new Error('aborted while getting'))
                  })()
                }
                const outcome = await get.then(
                  (value) => ({ value }),
                  (error: unknown) => ({ error }),
                )
                if ('value' in outcome) {
                  // Exactly the next value of the log: nothing skipped, nothing twice.
                  expect(outcome.value).toBe(log()[read.cursor])
                  read.cursor++
                  inHand.push(outcome.value)
                } else if (isBigbuffError(outcome.error, 'ERR_BIGBUFF_CLOSED')) {
                  break
                } else {
                  expect(outcome.error).toBe(controller?.signal.reason)
                }
              }
              await resolvePending(script.finally)
            }),
          )

          await drive(s, Promise.all(producerTasks), 'the producers')
          actors.rethrow()
          void buffer.close()
          await drive(s, Promise.all(consumerTasks), 'the consumers')
          await drive(s, buffer.done, 'buffer.close()')
          await settle()
          actors.rethrow()

          const appended = log()
          for (const [c, read] of reads.entries()) {
            expect(read.committed, `consumer ${c} committed a prefix of the log`).toStrictEqual(
              appended.slice(0, read.committed.length),
            )
          }
          // A value is dropped only once some registered consumer committed it, and never before
          // every consumer that stayed open committed it.
          const counts = reads.map((r) => r.committed.length)
          const open = reads.filter((r) => !r.closedEarly).map((r) => r.committed.length)
          const droppable = Math.min(Math.max(0, ...counts), ...open)
          expect(buffer.size).toBeGreaterThanOrEqual(appended.length - droppable)
          expect(buffer.slice()).toStrictEqual(appended.slice(appended.length - buffer.size))
          expect(signals.live, 'no listener left on any signal').toBe(0)
        },
      ),
      { numRuns: runs(100) },
    )
  })
})
