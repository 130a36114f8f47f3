import { BigBuffer } from '@bigbuff/buffer'
import {
  ClosedError,
  type Consumer,
  NothingToCommitError,
  NothingToRollbackError,
  type SignalOptions,
} from '@bigbuff/core'
import { describe, expect, it } from 'vitest'
import { iterate } from './iterate.js'
import { range } from './range.js'
import { rangeBatch } from './range-batch.js'

type Method = 'get' | 'commit' | 'rollback'

/**
 * A finite Consumer over `values` whose methods fail on cue: `failures.get(method)` maps the n-th
 * call of that method (from 0) to the error it rejects with. Every call is logged.
 */
class ScriptedConsumer implements Consumer<number> {
  readonly log: string[] = []
  readonly #values: readonly number[]
  readonly #failures: ReadonlyMap<Method, ReadonlyMap<number, unknown>>
  readonly #calls: Record<Method, number> = { get: 0, commit: 0, rollback: 0 }
  #committed = 0
  #cursor = 0
  closed = false
  readonly done = Promise.resolve()

  constructor(values: readonly number[], failures: Partial<Record<Method, Record<number, unknown>>> = {}) {
    this.#values = values
    this.#failures = new Map(
      Object.entries(failures).map(([method, cues]) => [
        method as Method,
        new Map(Object.entries(cues).map(([n, error]) => [Number(n), error])),
      ]),
    )
  }

  get pending(): number {
    return this.#cursor - this.#committed
  }

  async get(options?: SignalOptions): Promise<number> {
    this.#cue('get')
    if (options?.signal?.aborted) throw options.signal.reason
    if (this.#cursor >= this.#values.length) throw new ClosedError('exhausted')
    return this.#values[this.#cursor++] as number
  }

  async commit(): Promise<void> {
    this.#cue('commit')
    if (this.pending === 0) throw new NothingToCommitError()
    this.#committed = this.#cursor
  }

  async rollback(): Promise<void> {
    this.#cue('rollback')
    if (this.pending === 0) throw new NothingToRollbackError()
    this.#cursor = this.#committed
  }

  close(): Promise<void> {
    this.closed = true
    return this.done
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  #cue(method: Method): void {
    const call = this.#calls[method]++
    this.log.push(`${method}${call}`)
    const failures = this.#failures.get(method)
    if (failures?.has(call)) throw failures.get(call)
  }
}

const failure = new Error('on cue')

describe('range() against a scripted consumer', () => {
  it('ends normally when get() rejects ClosedError', async () => {
    const consumer = new ScriptedConsumer([1, 2])
    await range(consumer, () => {})
    expect(consumer.log).toEqual(['get0', 'commit0', 'get1', 'commit1', 'get2'])
  })

  it('rolls back and rejects when get() fails with another error', async () => {
    const consumer = new ScriptedConsumer([1, 2], { get: { 1: failure } })
    await expect(range(consumer, () => {})).rejects.toBe(failure)
    expect(consumer.log).toEqual(['get0', 'commit0', 'get1', 'rollback0'])
  })

  it('rolls back and rejects when commit() fails, ignoring a failing rollback', async () => {
    const consumer = new ScriptedConsumer([1, 2], {
      commit: { 0: failure },
      rollback: { 0: new Error('also') },
    })
    await expect(range(consumer, () => {})).rejects.toBe(failure)
    expect(consumer.log).toEqual(['get0', 'commit0', 'rollback0'])
    expect(consumer.pending).toBe(1)
  })
})

describe('iterate() against a scripted consumer', () => {
  it('ends when get() rejects ClosedError, committing the last value', async () => {
    const consumer = new ScriptedConsumer([1, 2])
    const seen: number[] = []
    for await (const value of iterate(consumer)) seen.push(value)
    expect(seen).toEqual([1, 2])
    expect(consumer.log).toEqual(['get0', 'commit0', 'get1', 'commit1', 'get2'])
  })

  it('throws a get() failure from the loop', async () => {
    const consumer = new ScriptedConsumer([1, 2], { get: { 1: failure } })
    const seen: number[] = []
    await expect(
      (async () => {
        for await (const value of iterate(consumer)) seen.push(value)
      })(),
    ).rejects.toBe(failure)
    expect(seen).toEqual([1])
    expect(consumer.log).toEqual(['get0', 'commit0', 'get1'])
  })

  it('throws a commit() failure from the loop and rolls the value back', async () => {
    const consumer = new ScriptedConsumer([1, 2], { commit: { 0: failure } })
    await expect(
      (async () => {
        for await (const _ of iterate(consumer)) {
          // take the values
        }
      })(),
    ).rejects.toBe(failure)
    expect(consumer.log).toEqual(['get0', 'commit0', 'rollback0'])
    expect(consumer.pending).toBe(0)
  })

  it('ignores a failing rollback when the loop is left early', async () => {
    const consumer = new ScriptedConsumer([1, 2], { rollback: { 0: failure } })
    for await (const _ of iterate(consumer)) break
    expect(consumer.log).toEqual(['get0', 'rollback0'])
  })
})

describe('rangeBatch() against a scripted consumer', () => {
  it('ends when the first get() of a batch rejects ClosedError', async () => {
    const consumer = new ScriptedConsumer([1, 2, 3])
    const batches: number[][] = []
    await rangeBatch(consumer, (values) => void batches.push(values), { maxSize: 2 })
    expect(batches).toEqual([[1, 2], [3]])
    expect(consumer.log).toEqual(['get0', 'get1', 'commit0', 'get2', 'get3', 'commit1'])
  })

  it('rolls back the batch and rejects when a gathering get() fails', async () => {
    const consumer = new ScriptedConsumer([1, 2, 3], { get: { 1: failure } })
    await expect(rangeBatch(consumer, () => {}, { maxSize: 3 })).rejects.toBe(failure)
    expect(consumer.log).toEqual(['get0', 'get1', 'rollback0'])
    expect(consumer.pending).toBe(0)
  })

  it('rolls back and rejects when the first get() fails with another error', async () => {
    const consumer = new ScriptedConsumer([1], { get: { 0: failure } })
    await expect(rangeBatch(consumer, () => {}, { maxSize: 3 })).rejects.toBe(failure)
    expect(consumer.log).toEqual(['get0', 'rollback0'])
  })

  it('rolls back and rejects when commit() fails, ignoring a failing rollback', async () => {
    const consumer = new ScriptedConsumer([1, 2], {
      commit: { 0: failure },
      rollback: { 0: new Error('also') },
    })
    await expect(rangeBatch(consumer, () => {}, { maxSize: 5, maxWait: 1 })).rejects.toBe(failure)
    expect(consumer.log).toEqual(['get0', 'get1', 'get2', 'commit0', 'rollback0'])
  })
})

describe('an abort whose reason is a ClosedError', () => {
  const reason = new ClosedError('the reason happens to be a ClosedError')

  it('still rejects every loop with the reason instead of ending normally', async () => {
    const signal = AbortSignal.abort(reason)
    const consumer = new ScriptedConsumer([1])
    await expect(range(consumer, () => {}, { signal })).rejects.toBe(reason)
    await expect(iterate(consumer, { signal }).next()).rejects.toBe(reason)
    await expect(rangeBatch(consumer, () => {}, { maxSize: 2, signal })).rejects.toBe(reason)
    expect(consumer.log.filter((call) => call.startsWith('get'))).toEqual([])
  })

  it('rejects when the abort lands while get() is in flight', async () => {
    const controller = new AbortController()
    const consumer = new ScriptedConsumer([1])
    const get = consumer.get.bind(consumer)
    consumer.get = (options) => {
      controller.abort(reason)
      return get(options)
    }
    await expect(range(consumer, () => {}, { signal: controller.signal })).rejects.toBe(reason)
    const again = new AbortController()
    consumer.get = (options) => {
      again.abort(reason)
      return get(options)
    }
    await expect(iterate(consumer, { signal: again.signal }).next()).rejects.toBe(reason)
    const batch = new AbortController()
    consumer.get = (options) => {
      batch.abort(reason)
      return get(options)
    }
    await expect(rangeBatch(consumer, () => {}, { maxSize: 1, signal: batch.signal })).rejects.toBe(reason)
  })
})

describe('bad input', () => {
  const consumer = new BigBuffer<number>().consumer()
  const fn = () => {}
  const action = {
    range: 'Cannot range over consumer',
    rangeBatch: 'Cannot range over consumer in batches',
  }

  it.each([
    ['range', 'a non-consumer', () => range(null as never, fn), TypeError, 'consumer must be a Consumer'],
    [
      'range',
      'a non-function fn',
      () => range(consumer, 1 as never),
      TypeError,
      'fn must be a function, received 1',
    ],
    ['range', 'a bad signal', () => range(consumer, fn, { signal: 1 as never }), TypeError, 'signal must be'],
    [
      'rangeBatch',
      'no options',
      () => rangeBatch(consumer, fn, undefined as never),
      TypeError,
      'options must be an object with maxSize, received undefined',
    ],
    [
      'rangeBatch',
      'a missing maxSize',
      () => rangeBatch(consumer, fn, {} as never),
      TypeError,
      'maxSize must be a positive integer, received undefined',
    ],
    [
      'rangeBatch',
      'a zero maxSize',
      () => rangeBatch(consumer, fn, { maxSize: 0 }),
      RangeError,
      'maxSize must be a positive integer, received 0',
    ],
    [
      'rangeBatch',
      'a fractional maxSize',
      () => rangeBatch(consumer, fn, { maxSize: 2.5 }),
      RangeError,
      'maxSize must be a positive integer, received 2.5',
    ],
    [
      'rangeBatch',
      'a negative maxWait',
      () => rangeBatch(consumer, fn, { maxSize: 1, maxWait: -1 }),
      RangeError,
      'maxWait must be a finite number ≥ 0, received -1',
    ],
    [
      'rangeBatch',
      'a non-number maxWait',
      () => rangeBatch(consumer, fn, { maxSize: 1, maxWait: '5' as never }),
      TypeError,
      'maxWait must be a number of milliseconds, received "5"',
    ],
    [
      'rangeBatch',
      'a null maxWait',
      () => rangeBatch(consumer, fn, { maxSize: 1, maxWait: null as never }),
      TypeError,
      'maxWait must be a number of milliseconds, received null',
    ],
    [
      'rangeBatch',
      'a non-function fn',
      () => rangeBatch(consumer, null as never, { maxSize: 1 }),
      TypeError,
      'fn must be a function, received null',
    ],
    [
      'rangeBatch',
      'a consumer without rollback',
      () => rangeBatch({ get() {}, commit() {} } as never, fn, { maxSize: 1 }),
      TypeError,
      'consumer must be a Consumer',
    ],
  ] as const)('%s() rejects (never throws) for %s', async (name, _, call, type, message) => {
    let promise: Promise<void> | undefined
    expect(() => {
      promise = call()
    }).not.toThrow()
    const error = await promise?.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(type)
    expect((error as Error).message).toContain(`${action[name]}: ${message}`)
    expect(consumer.pending).toBe(0)
  })
})
