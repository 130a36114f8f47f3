import { PubSub, type Subscription } from '@bigbuff/channel'
import { isBigbuffError } from '@bigbuff/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { runs } from '../support/profile.js'
import { Actors, abortLater, drive, runUntilQuiet, yielder } from '../support/schedule.js'
import { settle } from '../support/settle.js'
import { Signals } from '../support/signals.js'

type PublishStep = 'publish' | 'publishAbort' | 'close'
type SubscriberStep = 'next' | 'leave'

describe('PubSub loses nothing when abort and close land anywhere', () => {
  it(`a publish reports exactly the subscriptions that get its value, once each, in order (${runs(100)} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(
          fc.array(fc.constantFrom<PublishStep>('publish', 'publish', 'publishAbort', 'close'), {
            minLength: 1,
            maxLength: 6,
            size: 'max',
          }),
          {
            minLength: 1,
            maxLength: 2,
            size: 'max',
          },
        ),
        fc.array(
          fc.record({
            capacity: fc.constantFrom(0, 0, 1, 3, Number.POSITIVE_INFINITY),
            delay: fc.nat({ max: 4 }),
            steps: fc.array(fc.constantFrom<SubscriberStep>('next', 'next', 'next', 'next', 'leave'), {
              minLength: 1,
              maxLength: 10,
              size: 'max',
            }),
            leaveVia: fc.constantFrom('unsubscribe', 'return', 'dispose', 'signal'),
          }),
          { minLength: 1, maxLength: 3, size: 'max' },
        ),
        async (s, publishers, subscribers) => {
          const pubsub = new PubSub<string>()
          const signals = new Signals()
          const actors = new Actors()
          /** Each publish: its value, when it was called (a tick count) and what it resolved with. */
          const published: {
            value: string
            at: number
            count: number | 'refused' | 'aborted' | undefined
          }[] = []
          let tick = 0
          const received = new Map<string, string[]>()
          const subscribedAt: number[] = []
          /** A subscription that left with values possibly still buffered may have lost them by design. */
          let leftEarly = false

          const publisherTasks = publishers.map((steps, p) =>
            actors.spawn(async () => {
              const pause = yielder(s, `publisher ${p}`)
              for (const [k, step] of steps.entries()) {
                await pause()
                if (step === 'close') {
                  pubsub.close()
                  continue
                }
                const entry: (typeof published)[number] = { value: `${p}.${k}`, at: tick++, count: undefined }
                published.push(entry)
                const controller = signals.controller()
                const publishing = pubsub.publish(
                  entry.value,
                  step === 'publishAbort' ? { signal: controller.signal } : undefined,
                )
                if (step === 'publishAbort')
                  abortLater(controller, k % 3, pause, new Error('publish aborted'))
                await publishing.then(
                  (count) => {
                    entry.count = count
                  },
                  (error: unknown) => {
                    if (error === controller.signal.reason) entry.count = 'aborted'
                    else {
                      expect(isBigbuffError(error, 'ERR_BIGBUFF_CLOSED'), String(error)).toBe(true)
                      entry.count = 'refused'
                    }
                  },
                )
              }
            }),
          )

          const subscriberTasks = subscribers.map((plan, i) =>
            actors.spawn(async () => {
              const pause = yielder(s, `subscriber ${i}`)
              for (let d = 0; d < plan.delay; d++) await pause()
              const controller = signals.controller()
              let subscription: Subscription<string>
              const at = tick++
              try {
                subscription = pubsub.subscribe({ capacity: plan.capacity, signal: controller.signal })
              } catch (error) {
                expect(isBigbuffError(error, 'ERR_BIGBUFF_CLOSED'), String(error)).toBe(true)
                return
              }
              subscribedAt[i] = at
              const mine: string[] = []
              received.set(`subscriber ${i}`, mine)
              for (const step of plan.steps) {
                await pause()
                if (step === 'leave') {
                  leftEarly = true
                  if (plan.leaveVia === 'return') await subscription.return?.()
                  else if (plan.leaveVia === 'dispose') subscription[Symbol.dispose]()
                  else if (plan.leaveVia === 'signal') controller.abort(new Error('subscriber left'))
                  else subscription.unsubscribe()
                  continue
                }
                const result = await subscription.next()
                if (result.done) return
                mine.push(result.value)
              }
              // Drain what is left once the pub-sub closes.
              for (let r = await subscription.next(); !r.done; r = await subscription.next())
                mine.push(r.value)
            }),
          )

          const everyone = Promise.all([...publisherTasks, ...subscriberTasks])
          await runUntilQuiet(s, Promise.all(publisherTasks))
          pubsub.close()
          await drive(s, everyone, 'the actors after close()')
          await settle()
          actors.rethrow()

          for (const entry of published) {
            const takers = [...received]
              .filter(([, values]) => values.includes(entry.value))
              .map(([who]) => who)
            for (const who of takers) {
              const index = Number(who.split(' ')[1])
              expect(
                subscribedAt[index],
                `${who} subscribed before ${entry.value} was published`,
              ).toBeLessThan(entry.at)
            }
            if (entry.count === 'refused')
              expect(takers, `${entry.value} was refused yet received`).toEqual([])
            else if (typeof entry.count === 'number') {
              expect(
                takers.length,
                `${entry.value} received by no more than it reported`,
              ).toBeLessThanOrEqual(entry.count)
              if (!leftEarly)
                expect(takers.length, `${entry.value} received by exactly as many as it reported`).toBe(
                  entry.count,
                )
            }
          }
          for (const [who, values] of received) {
            expect(new Set(values).size, `${who} received no value twice`).toBe(values.length)
            for (const p of publishers.keys()) {
              const mine = values.filter((v) => v.startsWith(`${p}.`))
              const order = published.filter((e) => mine.includes(e.value)).map((e) => e.value)
              expect(mine, `${who} received publisher ${p}'s values in order`).toStrictEqual(order)
            }
          }
          expect(
            published.every((e) => e.count !== undefined),
            'every publish settled',
          ).toBe(true)
          expect(pubsub.subscribers).toBe(0)
          expect(signals.live, 'no listener left on any signal').toBe(0)
        },
      ),
      { numRuns: runs(100) },
    )
  })
})
