import { exponentialRetry, FatalError, minDuration } from '@bigbuff/async-utils'
import { sleep } from '@bigbuff/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
// Workers is not a dependency of this package; the composition is tested from source.
import { Workers } from '../../workers/src/index.js'
import { Exclusive } from './exclusive.js'

beforeEach(() => {
  vi.useFakeTimers({ now: 0 })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('Exclusive with Workers', () => {
  it('exclusive.call(key, () => workers.call(4, fetchThing)) dedupes per key and caps total concurrency', async () => {
    const exclusive = new Exclusive<string>()
    const workers = new Workers()
    let running = 0
    let peak = 0
    const fetched: string[] = []
    const fetchThing = (id: string) => async () => {
      running++
      peak = Math.max(peak, running)
      fetched.push(id)
      await sleep(100)
      running--
      return `thing ${id}`
    }
    const ids = Array.from({ length: 10 }, (_, i) => `id${i}`)
    const calls = ids.flatMap((id) =>
      [1, 2, 3].map(() => exclusive.call(id, () => workers.call(4, fetchThing(id)))),
    )
    await vi.advanceTimersByTimeAsync(0)
    expect(workers.count).toBe(4)
    expect(workers.pending).toBe(6)
    await vi.advanceTimersByTimeAsync(300)
    expect(await Promise.all(calls)).toEqual(ids.flatMap((id) => [1, 2, 3].map(() => `thing ${id}`)))
    expect(fetched).toEqual(ids)
    expect(peak).toBe(4)
    expect(exclusive.size).toBe(0)
    expect(workers.count + workers.pending).toBe(0)
  })

  it('passes the run signal on, so a queued job leaves the pool once every caller aborted', async () => {
    const exclusive = new Exclusive<string>()
    const workers = new Workers()
    const blocker = workers.call(1, () => sleep(100))
    const job = vi.fn(() => 'never')
    const controllers = [new AbortController(), new AbortController()]
    const calls = controllers.map((controller) =>
      exclusive
        .call('k', ({ signal }) => workers.call(1, job, { signal }), { signal: controller.signal })
        .catch((error: unknown) => error),
    )
    await vi.advanceTimersByTimeAsync(0)
    expect(workers.pending).toBe(1)
    controllers[0]?.abort('one')
    expect(workers.pending).toBe(1)
    controllers[1]?.abort('two')
    expect(workers.pending).toBe(0)
    expect(await Promise.all(calls)).toEqual(['one', 'two'])
    await vi.advanceTimersByTimeAsync(100)
    await blocker
    expect(job).not.toHaveBeenCalled()
    expect(exclusive.size).toBe(0)
  })
})

describe('Workers with async-utils', () => {
  it('workers.wrap(2, exponentialRetry(op)) retries inside a worker slot, passing arguments through', async () => {
    const workers = new Workers()
    const attempts = new Map<string, number>()
    let running = 0
    let peak = 0
    const op = async (name: string, failures: number) => {
      running++
      peak = Math.max(peak, running)
      await sleep(10)
      running--
      const attempt = (attempts.get(name) ?? 0) + 1
      attempts.set(name, attempt)
      if (name === 'fatal') throw new FatalError(new Error('give up'))
      if (attempt <= failures) throw new Error(`${name} failed ${attempt}`)
      return `${name} after ${attempt}`
    }
    const fetchWithRetry = workers.wrap(2, exponentialRetry(op, { base: 100, random: () => 0.5 }))
    const results = [
      fetchWithRetry('a', 2),
      fetchWithRetry('b', 0),
      fetchWithRetry('c', 1),
      fetchWithRetry('fatal', 0).catch((error: Error) => error.message),
    ]
    expect(workers.count).toBe(2)
    expect(workers.pending).toBe(2)
    await vi.advanceTimersByTimeAsync(1000)
    expect(await Promise.all(results)).toEqual(['a after 3', 'b after 1', 'c after 2', 'give up'])
    expect(peak).toBe(2)
    expect(attempts.get('fatal')).toBe(1)
  })

  it('workers.call(1, minDuration(50, job)) spaces jobs at least 50 ms apart', async () => {
    const workers = new Workers()
    const starts: number[] = []
    const job = minDuration(50, () => {
      starts.push(Date.now())
      return starts.length
    })
    const results = Promise.all([1, 2, 3].map(() => workers.call(1, job)))
    await vi.advanceTimersByTimeAsync(150)
    await expect(results).resolves.toEqual([1, 2, 3])
    expect(starts).toEqual([0, 50, 100])
  })
})

describe('Exclusive with minDuration', () => {
  it('minDuration delays the result, where rateLimit holds the key without delaying it', async () => {
    const exclusive = new Exclusive<string>()
    const delivered: [string, number][] = []
    const note = (label: string) => (value: unknown) =>
      delivered.push([`${label}:${String(value)}`, Date.now()])
    const slow = exclusive
      .call(
        'min',
        minDuration(100, () => 'a'),
      )
      .then(note('min'))
    const fast = exclusive.call('rate', () => 'b', { rateLimit: 100 }).then(note('rate'))
    await vi.advanceTimersByTimeAsync(0)
    const nextRate = exclusive.call('rate', () => 'c').then(note('rate'))
    await vi.advanceTimersByTimeAsync(100)
    await Promise.all([slow, fast, nextRate])
    expect(delivered).toEqual([
      ['rate:b', 0],
      ['min:a', 100],
      ['rate:c', 100],
    ])
  })
})
