import type { SignalOptions, WorkContext } from '@bigbuff/core'
import { afterEach, describe, expect, it } from 'vitest'

/** What the contract needs of a workers pool: `Workers` and `RedisWorkers` both have it. */
export interface WorkersLike {
  call<T>(
    count: number,
    work: (context: WorkContext) => T | PromiseLike<T>,
    options?: SignalOptions,
  ): Promise<T>
  wrap<A extends unknown[], T>(
    count: number,
    fn: (...args: A) => T | PromiseLike<T>,
  ): (...args: A) => Promise<T>
  readonly count: number
  readonly pending: number
}

/** One pool under test and a way to clean up after it. */
export interface WorkersContractSubject {
  /** A fresh pool: nothing queued or running, its limit shared with nobody else. */
  readonly workers: WorkersLike
  /** Releases everything; called after each test, even after a failure. */
  teardown(): Promise<void>
}

/** How {@link describeWorkersContract} builds subjects. */
export interface WorkersContractOptions {
  /** Builds a fresh subject for one test. */
  create(): Promise<WorkersContractSubject>
}

/** A promise with its resolve function, for work that finishes when the test says so. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void
  const promise = new Promise<void>((resolve) => {
    open = resolve
  })
  return { promise, open }
}

/** Polls `condition` until it holds or `timeout` ms pass (then throws). */
async function until(condition: () => boolean, timeout = 5000): Promise<void> {
  const deadline = Date.now() + timeout
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Registers a vitest `describe()` block with the behaviour of `Workers.call()`/`wrap()` that every
 * pool shares, in one process or across processes: results, `count`/`pending`, FIFO starts, the
 * latest `count` winning, never more than `count` running, abort of queued and running jobs,
 * `wrap`, and the bad-input rules.
 *
 * - Real timers only, and no assumption that a job starts synchronously, so it also runs against
 *   pools backed by I/O.
 * - Each test creates its subject through `options.create()` and calls its `teardown()` after.
 *
 * @param name - the title of the `describe()` block, e.g. `'Workers'`.
 * @param options - the subject factory.
 */
export function describeWorkersContract(name: string, options: WorkersContractOptions): void {
  describe(`${name}: the Workers contract`, () => {
    let subject: WorkersContractSubject | undefined
    const open = async (): Promise<WorkersLike> => {
      subject = await options.create()
      return subject.workers
    }
    afterEach(async () => {
      const current = subject
      subject = undefined
      await current?.teardown()
    })

    it('resolves with the work value and counts running and queued jobs', async () => {
      const workers = await open()
      const gates = [gate(), gate(), gate()]
      const calls = gates.map((g, i) => workers.call(1, () => g.promise.then(() => i)))
      await until(() => workers.count === 1 && workers.pending === 2)
      for (const g of gates) g.open()
      expect(await Promise.all(calls)).toEqual([0, 1, 2])
      await until(() => workers.count === 0 && workers.pending === 0)
      expect(await workers.call(2, () => 'plain')).toBe('plain')
    })

    it('starts jobs in FIFO order', async () => {
      const workers = await open()
      const started: number[] = []
      const first = gate()
      const calls = Array.from({ length: 6 }, (_, i) =>
        workers.call(1, async () => {
          started.push(i)
          if (i === 0) await first.promise
        }),
      )
      await until(() => started.length === 1)
      first.open()
      await Promise.all(calls)
      expect(started).toEqual([0, 1, 2, 3, 4, 5])
    })

    it('rejects only the call whose work failed, with the same error, a synchronous throw included', async () => {
      const workers = await open()
      const error = new Error('boom')
      const results = await Promise.allSettled([
        workers.call(2, () => 1),
        workers.call(2, () => {
          throw error
        }),
        workers.call(2, () => Promise.reject(error)),
        workers.call(2, () => 4),
      ])
      expect(results).toEqual([
        { status: 'fulfilled', value: 1 },
        { status: 'rejected', reason: error },
        { status: 'rejected', reason: error },
        { status: 'fulfilled', value: 4 },
      ])
    })

    it('accepts any thenable as the work result, calls work with no `this`, and gives it a signal', async () => {
      const workers = await open()
      // biome-ignore lint/suspicious/noThenProperty: a thenable is exactly what this test needs
      const thenable = { then: (resolve: (value: number) => void) => resolve(7) }
      expect(await workers.call(1, () => thenable as PromiseLike<number>)).toBe(7)
      let self: unknown = 'unset'
      let signal: AbortSignal | undefined
      await workers.call(1, function (this: unknown, context) {
        self = this
        signal = context.signal
      })
      expect(self).toBeUndefined()
      expect(signal).toBeInstanceOf(AbortSignal)
      expect(signal?.aborted).toBe(false)
    })

    it('raising count starts queued jobs at once', async () => {
      const workers = await open()
      const hold = gate()
      let running = 0
      const job = async (): Promise<void> => {
        running++
        await hold.promise
      }
      const calls = [workers.call(1, job), workers.call(1, job), workers.call(1, job)]
      await until(() => running === 1)
      calls.push(workers.call(4, job))
      await until(() => running === 4)
      expect(workers.pending).toBe(0)
      hold.open()
      await Promise.all(calls)
    })

    it('lowering count never interrupts a running job; surplus workers stop as their jobs finish', async () => {
      const workers = await open()
      const gates = [gate(), gate(), gate()]
      const aborted: boolean[] = []
      const calls = gates.map((g) =>
        workers.call(3, async ({ signal }) => {
          await g.promise
          aborted.push(signal.aborted)
        }),
      )
      await until(() => workers.count === 3)
      let late = false
      const last = workers.call(1, () => {
        late = true
      })
      gates[0]!.open()
      gates[1]!.open()
      await Promise.all(calls.slice(0, 2))
      await sleep(30)
      expect(late).toBe(false)
      gates[2]!.open()
      await Promise.all([...calls, last])
      expect(late).toBe(true)
      expect(aborted).toEqual([false, false, false])
    })

    it('never runs more jobs than the count, and uses every worker while jobs wait', async () => {
      const workers = await open()
      let running = 0
      let most = 0
      await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          workers.call(3, async () => {
            running++
            most = Math.max(most, running)
            await sleep(1 + (i % 4) * 3)
            running--
          }),
        ),
      )
      expect(most).toBe(3)
    })

    it('removes an aborted queued job from the queue and rejects with the reason', async () => {
      const workers = await open()
      const hold = gate()
      const started: number[] = []
      const first = workers.call(1, async () => {
        started.push(0)
        await hold.promise
      })
      const controller = new AbortController()
      const reason = new Error('changed my mind')
      const aborted = workers.call(1, () => started.push(1), { signal: controller.signal })
      const third = workers.call(1, () => started.push(2))
      await until(() => started.length === 1 && workers.pending === 2)
      controller.abort(reason)
      await expect(aborted).rejects.toBe(reason)
      expect(workers.pending).toBe(1)
      hold.open()
      await Promise.all([first, third])
      expect(started).toEqual([0, 2])
    })

    it('aborts the signal of running work and settles the call as the work does', async () => {
      const workers = await open()
      const controller = new AbortController()
      const reason = new Error('stop')
      let started = false
      const call = workers.call(
        1,
        ({ signal }) =>
          new Promise((resolve) => {
            started = true
            signal.addEventListener('abort', () => resolve(signal.reason))
          }),
        { signal: controller.signal },
      )
      await until(() => started)
      controller.abort(reason)
      expect(await call).toBe(reason)
    })

    it('rejects at once with the reason of an already aborted signal, queuing nothing', async () => {
      const workers = await open()
      const reason = new Error('already')
      let ran = false
      await expect(workers.call(1, () => (ran = true), { signal: AbortSignal.abort(reason) })).rejects.toBe(
        reason,
      )
      expect(workers.pending).toBe(0)
      await sleep(20)
      expect(ran).toBe(false)
    })

    it('wrap() passes arguments through and limits concurrency with its count', async () => {
      const workers = await open()
      let running = 0
      let most = 0
      const add = workers.wrap(2, async (a: number, b: number) => {
        running++
        most = Math.max(most, running)
        await sleep(5)
        running--
        return a + b
      })
      expect(await Promise.all([add(1, 2), add(3, 4), add(5, 6), add(7, 8)])).toEqual([3, 7, 11, 15])
      expect(most).toBe(2)
    })

    it('rejects bad arguments to call() (never throws) and wrap() throws them at once', async () => {
      const workers = await open()
      const work = (): number => 1
      await expect(workers.call(0, work)).rejects.toBeInstanceOf(RangeError)
      await expect(workers.call(1.5, work)).rejects.toBeInstanceOf(RangeError)
      await expect(workers.call('2' as unknown as number, work)).rejects.toBeInstanceOf(TypeError)
      await expect(workers.call(1, 'work' as unknown as () => number)).rejects.toBeInstanceOf(TypeError)
      await expect(workers.call(1, work, { signal: 'no' as unknown as AbortSignal })).rejects.toBeInstanceOf(
        TypeError,
      )
      expect(() => workers.wrap(-1, work)).toThrow(RangeError)
      expect(() => workers.wrap(1, 5 as unknown as () => number)).toThrow(TypeError)
      expect(workers.pending).toBe(0)
    })
  })
}
