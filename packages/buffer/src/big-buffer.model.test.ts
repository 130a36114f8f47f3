import type { Consumer } from '@bigbuff/core'
import { BufferModel, Op as Call, type ModelConsumer, verifyAll } from '@bigbuff/test-utils'
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

/** One `get()` call: the recorded call, the consumer it waits on, and its controller if it has one. */
interface GetRecord {
  readonly op: Call<number>
  readonly consumer: ModelConsumer
  readonly controller: AbortController | undefined
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

/** Records a call against the model, and waits for it to settle. */
async function settled(label: string, call: () => Promise<void>): Promise<Call<void>> {
  let promise: Promise<void> | undefined
  const recorded = new Call(label, () => {
    promise = call()
    return promise
  })
  await promise?.catch(() => undefined)
  return recorded
}

async function run(ops: readonly Op[], cooldown: number): Promise<void> {
  const buffer = new BigBuffer<number>({ cooldown })
  const model = new BufferModel({ kind: 'default' }, cooldown)
  const reals: Consumer<number>[] = []
  const gets: GetRecord[] = []
  const calls: Call[] = []
  const open = () =>
    model.consumers.flatMap((m, i) => (m.finished ? [] : [{ m, real: reals[i] as Consumer<number> }]))
  const pick = (index: number) => {
    if (model.consumers.length === 0) return undefined
    const i = index % model.consumers.length
    return { m: model.consumers[i] as ModelConsumer, real: reals[i] as Consumer<number> }
  }

  for (const step of ops) {
    switch (step.t) {
      case 'put': {
        const value = model.end
        await buffer.put(value)
        model.append([value])
        break
      }
      case 'putAll': {
        const batch = Array.from({ length: step.n }, (_, i) => model.end + i)
        await buffer.putAll(batch)
        model.append(batch)
        break
      }
      case 'consumer':
        reals.push(buffer.consumer())
        model.addConsumer()
        break
      case 'get': {
        const c = pick(step.c)
        if (!c) break
        const controller = step.signal ? new AbortController() : undefined
        const get = new Call(`get(${step.c})`, () =>
          c.real.get(controller ? { signal: controller.signal } : undefined),
        )
        gets.push({ op: get, consumer: c.m, controller })
        model.get(c.m, get)
        break
      }
      case 'commit':
      case 'rollback': {
        const c = pick(step.c)
        if (!c) break
        const call = await settled(step.t, () => (step.t === 'commit' ? c.real.commit() : c.real.rollback()))
        calls.push(call)
        if (step.t === 'commit') model.commit(c.m, call)
        else model.rollback(c.m, call)
        call.verify()
        break
      }
      case 'close': {
        const c = pick(step.c)
        if (!c) break
        const closing = c.real.close()
        model.closeConsumer(c.m)
        expect(c.real.closed).toBe(true)
        expect(c.real.close()).toBe(closing)
        break
      }
      case 'abort': {
        const waiting = gets.filter((record) => record.controller && !record.controller.signal.aborted)
        const record = waiting.length === 0 ? undefined : waiting[step.g % waiting.length]
        if (!record) break
        record.controller?.abort('aborted')
        model.abort(record.consumer, record.op, 'aborted')
        break
      }
      case 'advance':
        await vi.advanceTimersByTimeAsync(cooldown)
        model.advance(cooldown)
        break
    }
    await flush()

    // Every get settled exactly as the model says, in order, with nothing lost or duplicated.
    verifyAll(gets.map((record) => record.op))
    verifyAll(calls)
    // The buffer retains a suffix of everything put, and never drops what an open consumer has not committed.
    const values = model.log as number[]
    const start = values.length - buffer.size
    expect(buffer.slice()).toEqual(values.slice(start))
    expect(start, 'the buffer trims exactly as the model does').toBe(model.start)
    for (const { m, real } of open()) {
      expect(m.committed).toBeGreaterThanOrEqual(start)
      expect(buffer.diff(real)).toBe(values.length - m.cursor)
      expect(real.pending).toBe(m.cursor - m.committed)
    }
    expect(buffer.consumers).toBe(open().length)
    // With cooldown 0, or once a cooldown has passed, the default cleaner drops everything all committed.
    if ((cooldown === 0 || step.t === 'advance') && open().length > 0) {
      expect(start).toBe(Math.min(...open().map(({ m }) => m.committed)))
    }
  }

  // Close first: it rejects waiting gets, which a rollback would otherwise serve again (re-reading
  // makes values pending, and the close would then wait for them forever).
  const closing = buffer.close()
  model.close()
  await flush()
  for (const { m, real } of open()) {
    if (m.cursor === m.committed) continue
    const call = await settled('rollback', () => real.rollback())
    calls.push(call)
    model.rollback(m, call)
  }
  await closing
  for (const real of reals) expect(real.closed).toBe(true)
  await flush()
  for (const record of gets) expect(record.op.state).not.toBe('pending')
  verifyAll(gets.map((record) => record.op))
  verifyAll(calls)
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
