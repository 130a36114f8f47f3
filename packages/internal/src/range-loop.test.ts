import { describe, expect, it, vi } from 'vitest'
import { isClosedError, type RangeSource, rangeLoop, rollbackQuietly } from './range-loop.js'

class Closed extends Error {
  readonly code = 'ERR_BIGBUFF_CLOSED'
}

/** Serves `values`, then rejects every get with a ClosedError-like error; records calls. */
function source(values: number[]): RangeSource<number> & { log: string[] } {
  const log: string[] = []
  let next = 0
  return {
    log,
    get: vi.fn(async () => {
      log.push('get')
      if (next >= values.length) throw new Closed('closed')
      return values[next++] as number
    }),
    commit: vi.fn(async () => {
      log.push('commit')
    }),
    rollback: vi.fn(async () => {
      log.push('rollback')
      throw new Error('nothing to roll back')
    }),
  }
}

describe('rangeLoop()', () => {
  it('runs get → fn → commit until get() rejects ClosedError', async () => {
    const consumer = source([1, 2])
    const seen: [number, number][] = []
    await rangeLoop(consumer, (value, index) => void seen.push([value, index]), undefined)
    expect(seen).toEqual([
      [1, 0],
      [2, 1],
    ])
    expect(consumer.log).toEqual(['get', 'commit', 'get', 'commit', 'get'])
  })

  it('stops after committing the value for which fn returns false', async () => {
    const consumer = source([1, 2, 3])
    await rangeLoop(consumer, (value) => value !== 2, undefined)
    expect(consumer.log).toEqual(['get', 'commit', 'get', 'commit'])
  })

  it('waits for a promise or thenable fn returns, and stops when it resolves to false', async () => {
    const consumer = source([1, 2, 3])
    const later = (result: unknown) => ({
      // biome-ignore lint/suspicious/noThenProperty: a thenable that is not a promise, on purpose
      then(resolve: (value: unknown) => void) {
        setTimeout(() => {
          consumer.log.push(`settled ${String(result)}`)
          resolve(result)
        }, 1)
      },
    })
    await rangeLoop(consumer, (value) => (value === 1 ? Promise.resolve(undefined) : later(false)), undefined)
    expect(consumer.log).toEqual(['get', 'commit', 'get', 'settled false', 'commit'])
  })

  it('rolls back and rejects when the promise fn returns rejects', async () => {
    const consumer = source([1])
    const failure = new Error('fn rejected')
    await expect(rangeLoop(consumer, () => Promise.reject(failure), undefined)).rejects.toBe(failure)
    expect(consumer.log).toEqual(['get', 'rollback'])
  })

  it('commits at once after a plain result, without a microtask turn in between', async () => {
    const consumer = source([1])
    const order: string[] = []
    consumer.commit = vi.fn(async () => {
      order.push('commit')
    })
    const loop = rangeLoop(
      consumer,
      () => {
        // Queued before commit(): with an await on the plain result it would run first.
        queueMicrotask(() => order.push('microtask queued by fn'))
        return 42
      },
      undefined,
    )
    await loop
    expect(order).toEqual(['commit', 'microtask queued by fn'])
  })

  it('stops when caughtUp() returns true after a commit', async () => {
    const consumer = source([1, 2, 3])
    let turns = 0
    await rangeLoop(
      consumer,
      () => {},
      undefined,
      () => ++turns === 2,
    )
    expect(consumer.log).toEqual(['get', 'commit', 'get', 'commit'])
  })

  it('rolls back and rejects with the error fn threw, ignoring the rollback error', async () => {
    const consumer = source([1])
    const failure = new Error('fn failed')
    await expect(
      rangeLoop(
        consumer,
        () => {
          throw failure
        },
        undefined,
      ),
    ).rejects.toBe(failure)
    expect(consumer.log).toEqual(['get', 'rollback'])
  })

  it('rolls back and rejects when get() rejects with anything but ClosedError', async () => {
    const consumer = source([])
    const failure = new Error('get failed')
    consumer.get = async () => {
      throw failure
    }
    await expect(rangeLoop(consumer, () => {}, undefined)).rejects.toBe(failure)
    expect(consumer.log).toEqual(['rollback'])
  })

  it('checks the signal before each get() and passes it on', async () => {
    const consumer = source([1, 2])
    const controller = new AbortController()
    const reason = new Closed('an abort reason that looks like ClosedError')
    await expect(rangeLoop(consumer, () => controller.abort(reason), controller.signal)).rejects.toBe(reason)
    expect(consumer.get).toHaveBeenCalledWith({ signal: controller.signal })
    expect(consumer.log).toEqual(['get', 'commit', 'rollback'])
  })

  it('rollbackQuietly() swallows a synchronous throw', async () => {
    await expect(
      rollbackQuietly({
        rollback: () => {
          throw new Error('sync')
        },
      }),
    ).resolves.toBeUndefined()
  })

  it('isClosedError() recognises the code on an Error only', () => {
    expect(isClosedError(new Closed('x'))).toBe(true)
    expect(isClosedError({ code: 'ERR_BIGBUFF_CLOSED' })).toBe(false)
    expect(isClosedError(new Error('x'))).toBe(false)
  })
})
