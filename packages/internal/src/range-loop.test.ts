import { describe, expect, it, vi } from 'vitest'
import { AT_HAND, NOTHING_AT_HAND } from './at-hand.js'
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

describe('rangeLoop() over a consumer with values at hand', () => {
  /** Values 0..count-1 at hand; then get() rejects ClosedError-like. */
  function atHandSource(count: number) {
    const log: string[] = []
    let cursor = 0
    let committed = 0
    const consumer = {
      log,
      get committed() {
        return committed
      },
      get: vi.fn(async () => {
        log.push('get')
        throw new Closed('closed')
      }),
      commit: vi.fn(async () => {}),
      rollback: vi.fn(async () => {
        log.push('rollback')
        cursor = committed
      }),
      [AT_HAND]: {
        take: () => (cursor < count ? cursor++ : NOTHING_AT_HAND),
        commitNow: () => {
          log.push(`commit ${cursor}`)
          committed = cursor
        },
      },
    }
    return consumer
  }

  it('takes and commits each value synchronously, then asks get() once nothing is at hand', async () => {
    const consumer = atHandSource(3)
    const seen: number[] = []
    await rangeLoop(consumer, (value, index) => void seen.push(value * 10 + index), undefined)
    expect(seen).toEqual([0, 11, 22])
    expect(consumer.log).toEqual(['commit 1', 'commit 2', 'commit 3', 'get'])
    expect(consumer.commit).not.toHaveBeenCalled()
  })

  it('awaits a promise fn returns, stops on false, and stops when caught up', async () => {
    const consumer = atHandSource(5)
    await rangeLoop(consumer, (value) => Promise.resolve(value !== 1), undefined)
    expect(consumer.committed).toBe(2)
    const caughtUp = atHandSource(5)
    await rangeLoop(
      caughtUp,
      () => {},
      undefined,
      () => caughtUp.committed === 3,
    )
    expect(caughtUp.log).toEqual(['commit 1', 'commit 2', 'commit 3'])
  })

  it('rolls back the value fn threw on, the values before it committed', async () => {
    const consumer = atHandSource(5)
    const failure = new Error('fn failed')
    await expect(
      rangeLoop(
        consumer,
        (value) => {
          if (value === 2) throw failure
        },
        undefined,
      ),
    ).rejects.toBe(failure)
    expect(consumer.log).toEqual(['commit 1', 'commit 2', 'rollback'])
  })

  it('checks the signal before taking each value', async () => {
    const consumer = atHandSource(5)
    const controller = new AbortController()
    await expect(
      rangeLoop(consumer, (value) => void (value === 1 && controller.abort('stop')), controller.signal),
    ).rejects.toBe('stop')
    expect(consumer.committed).toBe(2)
  })

  it('resolves only after settle() where the consumer has one; a rejected settle rolls back and rejects', async () => {
    const settled = atHandSource(2)
    const settle = vi.fn(async () => {
      settled.log.push('settle')
    })
    Object.assign(settled[AT_HAND], { settle })
    await rangeLoop(settled, () => {}, undefined)
    expect(settled.log).toEqual(['commit 1', 'commit 2', 'get', 'settle'])
    const refused = atHandSource(2)
    const failure = new Error('XACK refused')
    Object.assign(refused[AT_HAND], {
      settle: async () => {
        throw failure
      },
    })
    await expect(rangeLoop(refused, (value) => value !== 0, undefined)).rejects.toBe(failure)
    expect(refused.log).toEqual(['commit 1', 'rollback'])
  })
})
