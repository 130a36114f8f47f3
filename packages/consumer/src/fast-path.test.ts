import { BigBuffer } from '@bigbuff/buffer'
import { Chan, ChannelConsumer } from '@bigbuff/channel'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { iterate, range, rangeBatch } from './index.js'

afterEach(() => {
  vi.useRealTimers()
})

/**
 * Counts the calls of fn that came after a microtask turn (or more) since the previous call: with a
 * get → await → commit per value, every call does.
 */
function turnCounter(): { readonly breaks: number; mark(): void } {
  let turned = false
  let breaks = 0
  return {
    get breaks() {
      return breaks
    },
    mark() {
      if (turned) breaks++
      turned = false
      queueMicrotask(() => {
        turned = true
      })
    },
  }
}

/** A 1 ms timer chain recording, at each tick, how many values were drained by then. */
function timerChain(drained: () => number): { readonly ticks: number[]; stop(): void } {
  const ticks: number[] = []
  let timer: ReturnType<typeof setTimeout>
  const tick = (): void => {
    ticks.push(drained())
    timer = setTimeout(tick, 1)
  }
  timer = setTimeout(tick, 1)
  return { ticks, stop: () => clearTimeout(timer) }
}

describe('the fast path for values at hand', () => {
  it('range() takes 10,000 buffered values without a microtask turn per value', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.putAll(Array.from({ length: 10_000 }, (_, i) => i))
    void buffer.end()
    const seen: number[] = []
    const counter = turnCounter()
    await range(consumer, (value) => {
      counter.mark()
      seen.push(value)
    })
    expect(seen).toEqual(Array.from({ length: 10_000 }, (_, i) => i))
    // Only the event-loop turns the loop yields (every few ms) break the runs.
    expect(counter.breaks).toBeLessThan(200)
    expect(consumer.pending).toBe(0)
    await buffer.done
  })

  it('range() commits every value fn returned from, and rolls back the one it threw on', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.putAll([0, 1, 2, 3, 4])
    const failure = new Error('fn failed')
    await expect(
      range(consumer, (value) => {
        expect(consumer.pending).toBe(1)
        if (value === 3) throw failure
      }),
    ).rejects.toBe(failure)
    expect(consumer.pending).toBe(0)
    expect(buffer.diff(consumer)).toBe(2)
    expect(await consumer.get()).toBe(3)
  })

  it('range() awaits a promise fn returns in the middle of values at hand, then goes on', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.putAll([0, 1, 2, 3])
    const seen: number[] = []
    await range(consumer, (value) => {
      seen.push(value)
      return value === 1 ? Promise.resolve(true) : value !== 2
    })
    expect(seen).toEqual([0, 1, 2])
    expect(await consumer.get()).toBe(3)
  })

  it('range() stops before the next value when fn aborted the signal, the value fn saw committed', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.putAll([0, 1, 2, 3])
    const controller = new AbortController()
    await expect(
      range(
        consumer,
        (value) => {
          if (value === 1) controller.abort('stop')
        },
        { signal: controller.signal },
      ),
    ).rejects.toBe('stop')
    expect(await consumer.get()).toBe(2)
  })

  it('range() over 1,000,000 buffered values lets a 1 ms timer chain keep ticking', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.putAll(Array.from({ length: 1_000_000 }, (_, i) => i))
    void buffer.end()
    let sum = 0
    let drained = 0
    const chain = timerChain(() => drained)
    await range(consumer, (value) => {
      sum += value
      drained++
    })
    chain.stop()
    expect(sum).toBe((1_000_000 * 999_999) / 2)
    // The chain ticked again and again while the values were drained: without the yields it would
    // not tick before the drain ended. (A loose count: the yields follow the clock, and a loaded
    // machine is slow.)
    const during = chain.ticks.filter((at) => at > 0 && at < 1_000_000)
    expect(during.length).toBeGreaterThanOrEqual(2)
  })

  it('range() drains values at hand with fake timers installed', async () => {
    vi.useFakeTimers()
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.putAll(Array.from({ length: 300_000 }, (_, i) => i))
    void buffer.end()
    let count = 0
    await range(consumer, () => {
      count++
    })
    expect(count).toBe(300_000)
  })

  it('BigBuffer.range() takes values at hand the same way, stopping once caught up', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.putAll(Array.from({ length: 5_000 }, (_, i) => i))
    const counter = turnCounter()
    let count = 0
    await buffer.range(consumer, () => {
      counter.mark()
      count++
    })
    expect(count).toBe(5_000)
    expect(counter.breaks).toBeLessThan(100)
    expect(buffer.diff(consumer)).toBe(0)
  })

  it('iterate() reads and commits buffered values, and a break rolls back the one in hand', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.putAll(Array.from({ length: 10_000 }, (_, i) => i))
    let count = 0
    for await (const value of iterate(consumer)) {
      expect(consumer.pending).toBe(1)
      if (value === 9_000) break
      count++
    }
    expect(count).toBe(9_000)
    expect(await consumer.get()).toBe(9_000)
  })

  it('rangeBatch() hands over the buffered values in full batches, one commit each', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.putAll(Array.from({ length: 2_500 }, (_, i) => i))
    const commit = vi.spyOn(consumer, 'commit')
    const sizes: number[] = []
    void buffer.end()
    await rangeBatch(consumer, (values) => sizes.push(values.length), { maxSize: 1_000 })
    expect(sizes).toEqual([1_000, 1_000, 500])
    expect(commit).not.toHaveBeenCalled() // committed synchronously, not through the promise API
    expect(buffer.diff(consumer)).toBe(undefined)
    expect(buffer.closed).toBe(true)
  })

  it('rangeBatch() rolls back the whole batch a synchronous fn threw on', async () => {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    await buffer.putAll([1, 2, 3, 4, 5])
    const failure = new Error('batch failed')
    await expect(
      rangeBatch(
        consumer,
        (values) => {
          if (values[0] === 3) throw failure
        },
        { maxSize: 2 },
      ),
    ).rejects.toBe(failure)
    expect(await consumer.get()).toBe(3)
  })
})

/** A channel holding `count` values 0 … count-1, closed, so a consumer of it ends after them. */
async function filledChan(count: number): Promise<Chan<number>> {
  const chan = new Chan<number>(count)
  for (let i = 0; i < count; i++) chan.trySend(i)
  chan.close()
  return chan
}

describe('the fast path over a ChannelConsumer', () => {
  it('range() takes 10,000 values a Chan has buffered without a microtask turn per value', async () => {
    const chan = await filledChan(10_000)
    const consumer = new ChannelConsumer(chan)
    const seen: number[] = []
    const counter = turnCounter()
    await range(consumer, (value) => {
      counter.mark()
      seen.push(value)
    })
    expect(seen).toEqual(Array.from({ length: 10_000 }, (_, i) => i))
    expect(counter.breaks).toBeLessThan(200)
    expect(consumer.pending).toBe(0)
    expect(consumer.buffered()).toEqual([])
    expect(chan.size).toBe(0)
  })

  it('range() over a sync iterable reads it without a microtask turn per value, lazily', async () => {
    let reads = 0
    function* source(): Generator<number> {
      for (let i = 0; i < 10_000; i++) {
        reads++
        yield i
      }
    }
    const consumer = new ChannelConsumer(source())
    const counter = turnCounter()
    let sum = 0
    await range(consumer, (value, index) => {
      counter.mark()
      sum += value
      return index < 4_999
    })
    expect(sum).toBe((5_000 * 4_999) / 2)
    expect(reads).toBe(5_000) // nothing read ahead
    expect(counter.breaks).toBeLessThan(100)
    expect(await consumer.get()).toBe(5_000)
  })

  it('range() commits every value fn returned from, and rolls back the one it threw on', async () => {
    const consumer = new ChannelConsumer(await filledChan(5))
    const failure = new Error('fn failed')
    await expect(
      range(consumer, (value) => {
        expect(consumer.pending).toBe(1)
        if (value === 3) throw failure
      }),
    ).rejects.toBe(failure)
    expect(consumer.pending).toBe(0)
    expect(consumer.buffered()).toEqual([3])
    expect(await consumer.get()).toBe(3)
    expect(await consumer.get()).toBe(4)
  })

  it('range() hands out rolled-back values first, then goes on with the source, in order', async () => {
    const chan = new Chan<number>(10)
    for (let i = 0; i < 6; i++) chan.trySend(i)
    const consumer = new ChannelConsumer(chan)
    expect([await consumer.get(), await consumer.get(), await consumer.get()]).toEqual([0, 1, 2])
    await consumer.rollback()
    const seen: number[] = []
    const done = range(consumer, (value) => {
      seen.push(value)
      return value !== 7
    })
    await Promise.resolve()
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]) // all at hand, in one synchronous run
    await chan.send(6)
    await chan.send(7)
    await done
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    expect(consumer.pending).toBe(0)
  })

  it('range() stops before the next value when fn aborted the signal, the value fn saw committed', async () => {
    const consumer = new ChannelConsumer(await filledChan(4))
    const controller = new AbortController()
    await expect(
      range(
        consumer,
        (value) => {
          if (value === 1) controller.abort('stop')
        },
        { signal: controller.signal },
      ),
    ).rejects.toBe('stop')
    expect(consumer.buffered()).toEqual([])
    expect(await consumer.get()).toBe(2)
  })

  it('range() over 1,000,000 values of a Chan lets a 1 ms timer chain keep ticking', async () => {
    const chan = await filledChan(1_000_000)
    const consumer = new ChannelConsumer(chan)
    let sum = 0
    let drained = 0
    const chain = timerChain(() => drained)
    await range(consumer, (value) => {
      sum += value
      drained++
    })
    chain.stop()
    expect(sum).toBe((1_000_000 * 999_999) / 2)
    const during = chain.ticks.filter((at) => at > 0 && at < 1_000_000)
    expect(during.length).toBeGreaterThanOrEqual(2)
  })

  it('range() drains a Chan with fake timers installed', async () => {
    vi.useFakeTimers()
    const consumer = new ChannelConsumer(await filledChan(300_000))
    let count = 0
    await range(consumer, () => {
      count++
    })
    expect(count).toBe(300_000)
  })

  it('iterate() commits each value when the loop asks for the next, and a break rolls back the one in hand', async () => {
    const chan = await filledChan(10_000)
    const consumer = new ChannelConsumer(chan)
    const commit = vi.spyOn(consumer, 'commit')
    let count = 0
    for await (const value of iterate(consumer)) {
      expect(consumer.pending).toBe(1)
      if (value === 9_000) break
      count++
    }
    expect(count).toBe(9_000)
    expect(commit).not.toHaveBeenCalled() // committed synchronously, not through the promise API
    expect(consumer.buffered()).toEqual([9_000])
    expect(chan.size).toBe(999)
    expect(await consumer.get()).toBe(9_000)
  })

  it('iterate() over a Chan fed while the loop runs reads every value in order', async () => {
    const chan = new Chan<number>(16)
    const consumer = new ChannelConsumer(chan)
    const producing = (async () => {
      for (let i = 0; i < 1_000; i++) await chan.send(i)
      chan.close()
    })()
    const seen: number[] = []
    for await (const value of iterate(consumer)) seen.push(value)
    await producing
    expect(seen).toEqual(Array.from({ length: 1_000 }, (_, i) => i))
    expect(consumer.pending).toBe(0)
  })

  it('rangeBatch() hands over a Chan’s buffered values in full batches, one synchronous commit each', async () => {
    const consumer = new ChannelConsumer(await filledChan(2_500))
    const commit = vi.spyOn(consumer, 'commit')
    const sizes: number[] = []
    await rangeBatch(consumer, (values) => sizes.push(values.length), { maxSize: 1_000 })
    expect(sizes).toEqual([1_000, 1_000, 500])
    expect(commit).not.toHaveBeenCalled()
    expect(consumer.buffered()).toEqual([])
  })

  it('rangeBatch() rolls back the whole batch a synchronous fn threw on', async () => {
    const consumer = new ChannelConsumer([1, 2, 3, 4, 5])
    const failure = new Error('batch failed')
    await expect(
      rangeBatch(
        consumer,
        (values) => {
          if (values[0] === 3) throw failure
        },
        { maxSize: 2 },
      ),
    ).rejects.toBe(failure)
    expect(consumer.buffered()).toEqual([3, 4])
    expect(await consumer.get()).toBe(3)
  })
})
