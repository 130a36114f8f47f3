import { sleep } from '@bigbuff/test-utils'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Worker } from './worker.js'

/** A run that loops until stopped, then takes `cleanup` ms to settle; records what happened. */
function looping(log: string[], name: string, cleanup = 10) {
  return async (stop: AbortSignal) => {
    log.push(`${name} start`)
    await new Promise((resolve) => stop.addEventListener('abort', resolve))
    log.push(`${name} stopping`)
    await sleep(cleanup)
    log.push(`${name} end`)
  }
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('Worker.do()', () => {
  it('starts fn at once with a live stop signal and shares the run with later holders', () => {
    const worker = new Worker()
    const first = vi.fn((_stop: AbortSignal) => new Promise<void>(() => {}))
    const second = vi.fn()
    expect(worker.active).toBe(false)
    worker.do(first)
    expect(first).toHaveBeenCalledTimes(1)
    expect(first.mock.calls[0]?.[0].aborted).toBe(false)
    expect(worker.active).toBe(true)
    worker.do(second)
    expect(second).not.toHaveBeenCalled()
  })

  it('aborts stop when the last holder releases, and stays active until fn settles', async () => {
    const worker = new Worker()
    const log: string[] = []
    const a = worker.do(looping(log, 'run'))
    const b = worker.do(looping(log, 'ignored'))
    a()
    await vi.advanceTimersByTimeAsync(0)
    expect(log).toEqual(['run start'])
    b()
    await vi.advanceTimersByTimeAsync(0)
    expect(log).toEqual(['run start', 'run stopping'])
    expect(worker.active).toBe(true)
    await vi.advanceTimersByTimeAsync(10)
    expect(log).toEqual(['run start', 'run stopping', 'run end'])
    expect(worker.active).toBe(false)
  })

  it('release is idempotent and is also Symbol.dispose', async () => {
    const worker = new Worker()
    let stop: AbortSignal | undefined
    const fn = (signal: AbortSignal) => {
      stop = signal
      return sleep(1)
    }
    const a = worker.do(fn)
    const b = worker.do(fn)
    a()
    a()
    expect(stop?.aborted).toBe(false)
    expect(b[Symbol.dispose]).toBe(b)
    {
      using _held = worker.do(fn)
      b()
      expect(stop?.aborted).toBe(false)
    }
    expect(stop?.aborted).toBe(true)
    await vi.advanceTimersByTimeAsync(1)
    expect(worker.active).toBe(false)
  })

  it('queues a do() made while stopping and starts it as soon as the previous run settled', async () => {
    const worker = new Worker()
    const log: string[] = []
    const first = worker.do(looping(log, 'first'))
    first()
    await vi.advanceTimersByTimeAsync(0)
    const second = worker.do(looping(log, 'second'))
    worker.do(looping(log, 'third'))
    await vi.advanceTimersByTimeAsync(9)
    expect(log).toEqual(['first start', 'first stopping'])
    expect(worker.active).toBe(true)
    await vi.advanceTimersByTimeAsync(1)
    expect(log).toEqual(['first start', 'first stopping', 'first end', 'second start'])
    expect(worker.active).toBe(true)
    second()
    await vi.advanceTimersByTimeAsync(20)
    expect(log).toContain('second start')
    expect(log).not.toContain('second stopping')
  })

  it('starts nothing new when every holder queued during the stop releases before the run settled', async () => {
    const worker = new Worker()
    const log: string[] = []
    worker.do(looping(log, 'first'))()
    await vi.advanceTimersByTimeAsync(0)
    const queued = worker.do(looping(log, 'queued'))
    queued()
    await vi.advanceTimersByTimeAsync(10)
    expect(log).toEqual(['first start', 'first stopping', 'first end'])
    expect(worker.active).toBe(false)
    const again = worker.do(looping(log, 'again'))
    expect(log.at(-1)).toBe('again start')
    again()
  })

  it('keeps a run that settled early active until the last release, starting nothing meanwhile', async () => {
    const worker = new Worker()
    const quick = vi.fn((_stop: AbortSignal) => sleep(5))
    const release = worker.do(quick)
    await vi.advanceTimersByTimeAsync(10)
    expect(worker.active).toBe(true)
    const other = vi.fn()
    const second = worker.do(other)
    expect(other).not.toHaveBeenCalled()
    release()
    expect(worker.active).toBe(true)
    second()
    expect(worker.active).toBe(false)
    expect(quick.mock.calls[0]?.[0].aborted).toBe(true)
    worker.do(other)()
    expect(other).toHaveBeenCalledTimes(1)
  })

  it('swallows a rejection or synchronous throw of fn', async () => {
    const worker = new Worker()
    const release = worker.do(async () => {
      throw new Error('rejected')
    })
    await vi.advanceTimersByTimeAsync(0)
    release()
    expect(worker.active).toBe(false)
    const sync = worker.do(() => {
      throw new Error('thrown')
    })
    expect(worker.active).toBe(true)
    sync()
    await vi.advanceTimersByTimeAsync(0)
    expect(worker.active).toBe(false)
  })

  it('throws TypeError for a non-function fn and registers no holder', () => {
    const worker = new Worker()
    expect(() => worker.do(undefined as never)).toThrow(
      new TypeError('Cannot call Worker.do(): fn must be a function, received undefined'),
    )
    expect(worker.active).toBe(false)
  })

  it('never overlaps two runs under random do/release schedules', async () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('do' as const), cleanup: fc.integer({ min: 0, max: 20 }) }),
      fc.record({ kind: fc.constant('release' as const), index: fc.nat() }),
      fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 15 }) }),
    )
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
        const worker = new Worker()
        let live = 0
        let overlaps = 0
        let runs = 0
        const held: (() => void)[] = []
        const fn = (cleanup: number) => async (stop: AbortSignal) => {
          runs++
          if (++live > 1) overlaps++
          await new Promise((resolve) => stop.addEventListener('abort', resolve))
          await sleep(cleanup)
          live--
        }
        for (const step of ops) {
          if (step.kind === 'do') held.push(worker.do(fn(step.cleanup)))
          else if (step.kind === 'release' && held.length > 0) held.splice(step.index % held.length, 1)[0]?.()
          else if (step.kind === 'tick') await vi.advanceTimersByTimeAsync(step.ms)
          if (held.length > 0) expect(worker.active).toBe(true)
          if (live > 0) expect(worker.active).toBe(true)
        }
        for (const release of held.splice(0)) release()
        await vi.advanceTimersByTimeAsync(25)
        expect(overlaps).toBe(0)
        expect(live).toBe(0)
        expect(worker.active).toBe(false)
        expect(runs).toBeLessThanOrEqual(ops.filter((step) => step.kind === 'do').length)
      }),
      { numRuns: 80 },
    )
  })
})
