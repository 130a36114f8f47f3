import { AT_HAND, NOTHING_AT_HAND } from '@bigbuff/internal'
import { describe, expect, it, vi } from 'vitest'
import { iterate, rangeBatch } from './index.js'

class Closed extends Error {
  readonly code = 'ERR_BIGBUFF_CLOSED'
}

/**
 * A consumer whose commits reach a server later: values 0..count-1 at hand, then get() rejects
 * ClosedError; settle() is logged and rejects with `refusal` when given one.
 */
function serverConsumer(count: number, refusal?: Error) {
  const log: string[] = []
  let cursor = 0
  let committed = 0
  return {
    log,
    get: vi.fn(async () => {
      log.push('get')
      throw new Closed('closed')
    }),
    commit: vi.fn(async () => {
      committed = cursor
    }),
    rollback: vi.fn(async () => {
      log.push('rollback')
      cursor = committed
    }),
    close: vi.fn(async () => {}),
    [AT_HAND]: {
      take: () => (cursor < count ? cursor++ : NOTHING_AT_HAND),
      commitNow: () => {
        committed = cursor
      },
      settle: async () => {
        log.push('settle')
        if (refusal) throw refusal
      },
    },
  }
}

describe('loops over a consumer whose commits settle later', () => {
  it('iterate() settles before it ends, and before a break resolves', async () => {
    const ended = serverConsumer(2)
    const seen: number[] = []
    for await (const value of iterate(ended as never)) seen.push(value as number)
    expect(seen).toEqual([0, 1])
    expect(ended.log).toEqual(['get', 'settle'])
    const broken = serverConsumer(3)
    for await (const value of iterate(broken as never)) if (value === 1) break
    expect(broken.log).toEqual(['rollback', 'settle'])
    const idle = serverConsumer(0)
    const iterator = iterate(idle as never)
    expect(await iterator.return?.()).toEqual({ value: undefined, done: true })
    expect(idle.log).toEqual(['settle'])
  })

  it('iterate() and rangeBatch() reject with a refused settle, after rolling back', async () => {
    const failure = new Error('XACK refused')
    const iterated = serverConsumer(2, failure)
    await expect(
      (async () => {
        for await (const _ of iterate(iterated as never));
      })(),
    ).rejects.toBe(failure)
    expect(iterated.log).toEqual(['get', 'settle', 'rollback'])
    const batched = serverConsumer(3, failure)
    await expect(rangeBatch(batched as never, () => false, { maxSize: 2 })).rejects.toBe(failure)
    expect(batched.log.slice(0, 2)).toEqual(['settle', 'rollback'])
    const ended = serverConsumer(2)
    await rangeBatch(ended as never, () => {}, { maxSize: 5 })
    expect(ended.log.at(-1)).toBe('settle')
  })
})
