import { type Consumer, isBigbuffError } from '@bigbuff/core'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { BigBuffer } from './big-buffer.js'

type Op =
  | { readonly t: 'put' }
  | { readonly t: 'putAll'; readonly n: number }
  | { readonly t: 'consumer' }
  | { readonly t: 'get'; readonly c: number; readonly signal: boolean }
  | { readonly t: 'commit' | 'rollback' | 'close'; readonly c: number }
  | { readonly t: 'abort'; readonly g: number }
  | { readonly t: 'advance' }

type Outcome = { readonly value: number } | { readonly error: string }

/** One `get()` call: what the model says it must settle with, and what it did. */
interface GetRecord {
  expected: Outcome | undefined
  actual: Outcome | undefined
  readonly controller: AbortController | undefined
}

/** The reference model of one consumer. */
interface ModelConsumer {
  readonly real: Consumer<number>
  committed: number
  cursor: number
  closed: boolean
  registered: boolean
  readonly queue: GetRecord[]
}

const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.constant({ t: 'put' } as const), weight: 3 },
  {
    arbitrary: fc.record({ t: fc.constant('putAll' as const), n: fc.integer({ min: 0, max: 4 }) }),
    weight: 2,
  },
  { arbitrary: fc.constant({ t: 'consumer' } as const), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('get' as const), c: fc.nat(), signal: fc.boolean() }), weight: 5 },
  { arbitrary: fc.record({ t: fc.constant('commit' as const), c: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ t: fc.constant('rollback' as const), c: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ t: fc.constant('close' as const), c: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('abort' as const), g: fc.nat() }), weight: 1 },
  { arbitrary: fc.constant({ t: 'advance' } as const), weight: 1 },
)

async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve()
}

function outcomeOf(error: unknown): Outcome {
  if (isBigbuffError(error)) return { error: error.code }
  return { error: String(error) }
}

async function run(ops: readonly Op[], cooldown: number): Promise<void> {
  const buffer = new BigBuffer<number>({ cooldown })
  const values: number[] = []
  const consumers: ModelConsumer[] = []
  const gets: GetRecord[] = []
  const open = () => consumers.filter((c) => c.registered)
  const pick = (index: number) => (consumers.length === 0 ? undefined : consumers[index % consumers.length])

  const serve = (c: ModelConsumer) => {
    while (c.queue.length > 0 && c.cursor < values.length) {
      const record = c.queue.shift() as GetRecord
      record.expected = { value: values[c.cursor++] as number }
    }
  }
  const settle = (c: ModelConsumer) => {
    if (c.closed && c.cursor === c.committed) c.registered = false
  }
  const track = (record: GetRecord, promise: Promise<number>) => {
    promise.then(
      (value) => void (record.actual = { value }),
      (error: unknown) => void (record.actual = outcomeOf(error)),
    )
  }
  const expectCall = async (promise: Promise<void>, expected: string | undefined) => {
    const outcome = await promise.then(
      () => undefined,
      (error: unknown) => outcomeOf(error),
    )
    expect(outcome).toEqual(expected === undefined ? undefined : { error: expected })
  }

  for (const step of ops) {
    switch (step.t) {
      case 'put':
        await buffer.put(values.length)
        values.push(values.length)
        for (const c of consumers) serve(c)
        break
      case 'putAll': {
        const batch = Array.from({ length: step.n }, (_, i) => values.length + i)
        await buffer.putAll(batch)
        values.push(...batch)
        for (const c of consumers) serve(c)
        break
      }
      case 'consumer': {
        const start = values.length - buffer.size
        consumers.push({
          real: buffer.consumer(),
          committed: start,
          cursor: start,
          closed: false,
          registered: true,
          queue: [],
        })
        break
      }
      case 'get': {
        const c = pick(step.c)
        if (!c) break
        const controller = step.signal ? new AbortController() : undefined
        const record: GetRecord = { expected: undefined, actual: undefined, controller }
        gets.push(record)
        track(record, c.real.get(controller ? { signal: controller.signal } : undefined))
        if (c.closed) record.expected = { error: 'ERR_BIGBUFF_CLOSED' }
        else {
          c.queue.push(record)
          serve(c)
        }
        break
      }
      case 'commit':
      case 'rollback': {
        const c = pick(step.c)
        if (!c) break
        let expected: string | undefined
        if (!c.registered) expected = 'ERR_BIGBUFF_CLOSED'
        else if (c.cursor === c.committed)
          expected = step.t === 'commit' ? 'ERR_BIGBUFF_NOTHING_TO_COMMIT' : 'ERR_BIGBUFF_NOTHING_TO_ROLLBACK'
        else if (step.t === 'commit') c.committed = c.cursor
        else c.cursor = c.committed
        await expectCall(step.t === 'commit' ? c.real.commit() : c.real.rollback(), expected)
        if (expected === undefined) {
          serve(c)
          settle(c)
        }
        break
      }
      case 'close': {
        const c = pick(step.c)
        if (!c) break
        const closing = c.real.close()
        if (!c.closed) {
          c.closed = true
          for (const record of c.queue.splice(0)) record.expected = { error: 'ERR_BIGBUFF_CLOSED' }
          settle(c)
        }
        expect(c.real.closed).toBe(true)
        expect(c.real.close()).toBe(closing)
        break
      }
      case 'abort': {
        const waiting = gets.filter((record) => record.controller && !record.controller.signal.aborted)
        const record = waiting.length === 0 ? undefined : waiting[step.g % waiting.length]
        if (!record) break
        record.controller?.abort('aborted')
        for (const c of consumers) {
          const at = c.queue.indexOf(record)
          if (at < 0) continue
          c.queue.splice(at, 1)
          record.expected = { error: 'aborted' }
        }
        break
      }
      case 'advance':
        await vi.advanceTimersByTimeAsync(cooldown)
        break
    }
    await flush()

    // Every get settled exactly as the model says, in order, with nothing lost or duplicated.
    for (const record of gets) expect(record.actual).toEqual(record.expected)
    // The buffer retains a suffix of everything put, and never drops what an open consumer has not committed.
    const start = values.length - buffer.size
    expect(buffer.slice()).toEqual(values.slice(start))
    for (const c of open()) {
      expect(c.committed).toBeGreaterThanOrEqual(start)
      expect(buffer.diff(c.real)).toBe(values.length - c.cursor)
      expect(c.real.pending).toBe(c.cursor - c.committed)
    }
    expect(buffer.consumers).toBe(open().length)
    // With cooldown 0, or once a cooldown has passed, the default cleaner drops everything all committed.
    if ((cooldown === 0 || step.t === 'advance') && open().length > 0) {
      expect(start).toBe(Math.min(...open().map((c) => c.committed)))
    }
  }

  // Close first: it rejects waiting gets, which a rollback would otherwise serve again (re-reading
  // makes values pending, and the close would then wait for them forever).
  const closing = buffer.close()
  await flush()
  for (const c of open()) if (c.cursor > c.committed) await c.real.rollback()
  await closing
  for (const c of consumers) expect(c.real.closed).toBe(true)
  await flush()
  for (const record of gets) expect(record.actual).toBeDefined()
}

describe('BigBuffer against a reference model', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })

  afterEach(() => {
    vi.useRealTimers()
  })

  it('delivers every value in order to every consumer, again after rollback, and never drops uncommitted values', async () => {
    await fc.assert(fc.asyncProperty(fc.array(op, { maxLength: 60 }), fc.constantFrom(0, 10), run), {
      numRuns: 150,
    })
  })
})
