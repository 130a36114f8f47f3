import { Chan, receiveCase, type SelectCase, select, sendCase, trySelect } from '@bigbuff/channel'
import { isBigbuffError } from '@bigbuff/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { runs } from '../support/profile.js'
import { Actors, abortLater, drive, runUntilQuiet, yielder } from '../support/schedule.js'
import { settle } from '../support/settle.js'
import { Signals } from '../support/signals.js'

type SendStep = 'send' | 'sendAbort' | 'sendAborted' | 'trySend' | 'selectSend' | 'trySelectSend' | 'close'
type ReceiveStep = 'receive' | 'receiveAbort' | 'tryReceive' | 'selectReceive' | 'selectBoth' | 'iterate'

const sendStep = fc.record({
  kind: fc.constantFrom<SendStep>(
    'send',
    'send',
    'sendAbort',
    'sendAborted',
    'trySend',
    'selectSend',
    'trySelectSend',
    'close',
  ),
  chan: fc.nat({ max: 1 }),
  abortAfter: fc.nat({ max: 3 }),
})
const receiveStep = fc.record({
  kind: fc.constantFrom<ReceiveStep>(
    'receive',
    'receive',
    'receiveAbort',
    'tryReceive',
    'selectReceive',
    'selectBoth',
    'iterate',
  ),
  chan: fc.nat({ max: 1 }),
  abortAfter: fc.nat({ max: 3 }),
})

describe('Chan and select lose nothing when abort and close land anywhere', () => {
  it(`every value a send reported delivered is received exactly once, and no other (${runs(100)} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.tuple(fc.constantFrom(0, 0, 1, 3, Number.POSITIVE_INFINITY), fc.constantFrom(0, 1, 2)),
        fc.array(fc.array(sendStep, { minLength: 1, maxLength: 8, size: 'max' }), {
          minLength: 1,
          maxLength: 3,
          size: 'max',
        }),
        fc.array(fc.array(receiveStep, { minLength: 1, maxLength: 10, size: 'max' }), {
          minLength: 1,
          maxLength: 3,
          size: 'max',
        }),
        async (s, capacities, producers, receivers) => {
          const chans = capacities.map((c) => new Chan<string>(c))
          const signals = new Signals()
          const actors = new Actors()
          const delivered = new Set<string>()
          const refused = new Set<string>()
          const received: string[] = []

          const producerTasks = producers.map((steps, p) =>
            actors.spawn(async () => {
              const pause = yielder(s, `producer ${p}`)
              for (const [k, step] of steps.entries()) {
                await pause()
                const chan = chans[step.chan % chans.length] as Chan<string>
                const value = `${p}.${k}`
                if (step.kind === 'close') {
                  chan.close()
                  continue
                }
                if (step.kind === 'trySend' || step.kind === 'trySelectSend') {
                  try {
                    const ok =
                      step.kind === 'trySend'
                        ? chan.trySend(value)
                        : trySelect(chans.map((c) => sendCase(c, value))) !== undefined
                    ;(ok ? delivered : refused).add(value)
                  } catch (error) {
                    expect(isBigbuffError(error, 'ERR_BIGBUFF_CLOSED'), String(error)).toBe(true)
                    refused.add(value)
                  }
                  continue
                }
                const controller = signals.controller()
                if (step.kind === 'sendAborted') controller.abort(new Error('aborted before sending'))
                const options =
                  step.kind === 'send' || step.kind === 'selectSend'
                    ? undefined
                    : { signal: controller.signal }
                const sending =
                  step.kind === 'selectSend'
                    ? select(
                        chans.map((c) => sendCase(c, value)),
                        options,
                      )
                    : chan.send(value, options)
                if (step.kind === 'sendAbort')
                  abortLater(controller, step.abortAfter, pause, new Error('aborted mid-flight'))
                await sending.then(
                  () => delivered.add(value),
                  (error: unknown) => {
                    refused.add(value)
                    if (error !== controller.signal.reason) {
                      expect(isBigbuffError(error, 'ERR_BIGBUFF_CLOSED'), String(error)).toBe(true)
                    }
                  },
                )
              }
            }),
          )

          const receiverTasks = receivers.map((steps, r) =>
            actors.spawn(async () => {
              const pause = yielder(s, `receiver ${r}`)
              for (const [k, step] of steps.entries()) {
                await pause()
                const chan = chans[step.chan % chans.length] as Chan<string>
                const reply = `${r}.reply.${k}`
                if (step.kind === 'tryReceive') {
                  const result = chan.tryReceive()
                  if (result.state === 'ok') received.push(result.value)
                  continue
                }
                const controller = signals.controller()
                let receiving: Promise<string | undefined>
                if (step.kind === 'iterate') {
                  receiving = chan[Symbol.asyncIterator]()
                    .next()
                    .then((result) => {
                      if (result.done) throw new Error('done')
                      return result.value
                    })
                } else if (step.kind === 'selectReceive' || step.kind === 'selectBoth') {
                  const cases: SelectCase[] = chans.map((c) => receiveCase(c))
                  if (step.kind === 'selectBoth') cases.push(sendCase(chan, reply))
                  receiving = select(cases, { signal: controller.signal }).then((result) => {
                    if (result.index === chans.length) {
                      delivered.add(reply)
                      return undefined
                    }
                    if (!result.ok) throw new Error('closed')
                    return result.value as string
                  })
                  if (step.abortAfter < 2)
                    abortLater(controller, step.abortAfter, pause, new Error('aborted mid-flight'))
                } else {
                  receiving = chan.receive(
                    step.kind === 'receiveAbort' ? { signal: controller.signal } : undefined,
                  )
                  if (step.kind === 'receiveAbort')
                    abortLater(controller, step.abortAfter, pause, new Error('aborted mid-flight'))
                }
                const outcome = await receiving.then(
                  (value) => ({ value }),
                  (error: unknown) => ({ error }),
                )
                if ('value' in outcome) {
                  if (outcome.value !== undefined) received.push(outcome.value)
                } else if (outcome.error !== controller.signal.reason) {
                  // The channel closed: stop, as a Go receiver leaves its range loop.
                  if (outcome.error instanceof Error && ['done', 'closed'].includes(outcome.error.message))
                    break
                  expect(isBigbuffError(outcome.error, 'ERR_BIGBUFF_CLOSED'), String(outcome.error)).toBe(
                    true,
                  )
                  break
                }
              }
            }),
          )

          // Run until everyone finished or waits for a partner that will never come; then close.
          const everyone = Promise.all([...producerTasks, ...receiverTasks])
          await runUntilQuiet(s, Promise.all(producerTasks))
          for (const chan of chans) chan.close()
          await drive(s, everyone, 'the actors after close()')
          await settle()
          actors.rethrow()
          // What was buffered but never received is still there to drain after close.
          for (const chan of chans) {
            for (let r = chan.tryReceive(); r.state === 'ok'; r = chan.tryReceive()) received.push(r.value)
            expect(chan.tryReceive()).toStrictEqual({ state: 'closed' })
          }
          const seen = new Set(received)
          expect(seen.size, 'no value is received twice').toBe(received.length)
          for (const value of received)
            expect(refused.has(value), `${value} was refused yet received`).toBe(false)
          expect([...seen].sort(), 'exactly the values whose send succeeded').toStrictEqual(
            [...delivered].sort(),
          )
          for (const value of delivered) expect(refused.has(value)).toBe(false)
          expect(signals.live, 'no abort listener left behind').toBe(0)
        },
      ),
      { numRuns: runs(100) },
    )
  })
})
