import { BigBuffer } from '@bigbuff/buffer'
import { iterate, range, rangeBatch } from '@bigbuff/consumer'
import type { Consumer } from '@bigbuff/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PROPERTY_TIMEOUT, runs } from '../support/profile.js'
import { settle, turn } from '../support/settle.js'

/** What fn does with one call: return a plain value, `false`, throw, or the same after a delay. */
type Outcome = 'value' | 'later' | 'false' | 'throw' | 'reject'
/** What happens elsewhere while fn runs: more values, end(), close(), abort, a rollback by another party. */
type Event = 'none' | 'put' | 'end' | 'close' | 'abort' | 'rollback'
type Kind = 'range' | 'bufferRange' | 'iterate' | 'rangeBatch'

interface Step {
  readonly outcome: Outcome
  readonly event: Event
  /** Macrotask turns a delayed outcome waits (0: only microtasks). */
  readonly turns: number
}

const step: fc.Arbitrary<Step> = fc.record({
  outcome: fc.constantFrom<Outcome>('value', 'value', 'value', 'later', 'later', 'false', 'throw', 'reject'),
  event: fc.constantFrom<Event>(
    'none',
    'none',
    'none',
    'none',
    'put',
    'put',
    'end',
    'close',
    'abort',
    'rollback',
  ),
  turns: fc.integer({ min: 0, max: 2 }),
})

const scenario = fc.record({
  kind: fc.constantFrom<Kind>('range', 'bufferRange', 'iterate', 'rangeBatch'),
  initial: fc.integer({ min: 0, max: 40 }),
  burst: fc.integer({ min: 1, max: 20 }),
  maxSize: fc.integer({ min: 1, max: 6 }),
  steps: fc.array(step, { maxLength: 40 }),
})

class FnFailure extends Error {}

/** The committed offset of a BigBuffer consumer (absolute: 0 is the first value ever put). */
function committedOf(consumer: Consumer<number>): number {
  return (consumer as unknown as { committedOffset: number }).committedOffset
}

describe('range, iterate and rangeBatch against random fn outcomes, aborts, rollbacks, end() and close()', () => {
  it(
    `lose nothing, commit nothing fn did not see, and keep the order (${runs(150)} runs)`,
    async () => {
      await fc.assert(
        fc.asyncProperty(scenario, async ({ kind, initial, burst, maxSize, steps }) => {
          const buffer = new BigBuffer<number>({ cooldown: 0 })
          const consumer = buffer.consumer()
          let total = 0
          const put = async (count: number): Promise<void> => {
            const values = Array.from({ length: count }, (_, i) => total + i)
            total += count
            await buffer.putAll(values)
          }
          await put(initial)
          const controller = new AbortController()
          const seen: number[] = []
          let calls = 0
          /** A disruption (abort, close, rollback by another party) fired before fn's own outcome. */
          let disrupted = false
          let rolledBackByOther = false
          let stop: { outcome: Outcome; values: number[] } | undefined
          /** fn returned false, threw or rejected at least once. */
          let stopped = false

          /** Runs fn's step for the values it was handed: returns its result or throws. */
          const act = (values: number[]): unknown => {
            seen.push(...values)
            const { outcome, event, turns } = steps[calls++] ?? { outcome: 'value', event: 'end', turns: 0 }
            if (event === 'rollback' && stop === undefined) disrupted = true
            if (outcome === 'false' || outcome === 'throw' || outcome === 'reject') stopped = true
            if (
              !disrupted &&
              stop === undefined &&
              (outcome === 'false' || outcome === 'throw' || outcome === 'reject')
            )
              stop = { outcome, values }
            switch (event) {
              case 'put':
                if (!buffer.ended && !buffer.closed) void put(burst)
                break
              case 'end':
                void buffer.end()
                break
              case 'close':
                if (stop === undefined) disrupted = true
                void buffer.close()
                break
              case 'abort':
                if (stop === undefined) disrupted = true
                controller.abort(new Error('aborted'))
                break
              case 'rollback':
                // Another party rolls back while fn holds the read: only observable after a delay.
                break
              case 'none':
                break
            }
            const delayed = outcome === 'later' || outcome === 'reject' || event === 'rollback'
            if (!delayed) {
              if (outcome === 'throw') throw new FnFailure()
              return outcome !== 'false'
            }
            return (async () => {
              for (let i = 0; i < turns; i++) await turn()
              await Promise.resolve()
              if (event === 'rollback' && consumer.pending > 0) {
                if (stop === undefined) disrupted = true
                rolledBackByOther = true
                await consumer.rollback()
              }
              if (outcome === 'throw' || outcome === 'reject') throw new FnFailure()
              return outcome !== 'false'
            })()
          }

          const options = { signal: controller.signal }
          let loop: Promise<void>
          if (kind === 'range') loop = range(consumer, (value) => act([value]), options)
          else if (kind === 'bufferRange') loop = buffer.range(consumer, (value) => act([value]), options)
          else if (kind === 'rangeBatch')
            loop = rangeBatch(consumer, (values) => act(values), { ...options, maxSize })
          else
            loop = (async () => {
              for await (const value of iterate(consumer, options)) {
                const result = await act([value])
                if (result === false) break
              }
            })()
          const outcome = await Promise.race([
            loop.then(
              () => 'resolved',
              (error: unknown) => error,
            ),
            (async () => {
              // A loop that waits for values nobody will put is ended by the producer.
              await settle(4)
              void buffer.end()
              return loop.then(
                () => 'resolved',
                (error: unknown) => error,
              )
            })(),
          ])
          await settle(1)

          // Nothing stays pending: a loop commits or rolls back everything it read.
          expect(consumer.pending).toBe(0)
          const committed = committedOf(consumer)
          // Nothing committed that fn did not see.
          for (let value = 0; value < committed; value++) expect(seen).toContain(value)
          // Order kept: each value fn sees is the next one, or a redelivery after a rollback by another party.
          for (let i = 1; i < seen.length; i++) {
            const [before, now] = [seen[i - 1] as number, seen[i] as number]
            if (now !== before + 1) {
              expect(rolledBackByOther).toBe(true)
              expect(now).toBeLessThanOrEqual(before)
            }
          }
          if (!rolledBackByOther) expect(seen).toEqual(seen.map((_, i) => i))
          // The loop's own outcome decides what is committed, when nothing disrupted it first.
          if (stop !== undefined && !disrupted) {
            const first = stop.values[0] as number
            const last = stop.values[stop.values.length - 1] as number
            if (stop.outcome === 'false') {
              expect(outcome).toBe('resolved')
              expect(committed).toBe(kind === 'iterate' ? first : last + 1)
            } else {
              expect(outcome).toBeInstanceOf(FnFailure)
              expect(committed).toBe(first)
            }
          } else if (outcome === 'resolved' && !stopped && !buffer.closed && kind !== 'bufferRange') {
            // Only the end of the source ends a loop that nothing stopped: everything was read.
            expect(committed).toBe(total)
          }
          // Nothing lost: an open consumer still delivers everything after its commit, in order.
          if (!consumer.closed) {
            void buffer.end()
            const rest: number[] = []
            await range(consumer, (value) => void rest.push(value))
            expect(rest).toEqual(Array.from({ length: total - committed }, (_, i) => committed + i))
          }
          await buffer.close()
        }),
        { numRuns: runs(150) },
      )
    },
    PROPERTY_TIMEOUT,
  )
})
