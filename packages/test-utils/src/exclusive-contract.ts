import { afterEach, describe, expect, it } from 'vitest'

/** What the contract's work functions receive (both `WorkContext` and `DistributedWorkContext` fit). */
export interface ExclusiveContractContext {
  readonly signal: AbortSignal
}

/** The call options the contract uses. */
export interface ExclusiveContractCallOptions {
  readonly signal?: AbortSignal | undefined
  readonly wait?: number | undefined
  readonly rateLimit?: number | undefined
}

/** The part of `Exclusive` (and `RedisExclusive`) the contract exercises, with string keys. */
export interface ExclusiveContractTarget {
  call<T>(
    key: string,
    work: (context: ExclusiveContractContext) => T | PromiseLike<T>,
    options?: ExclusiveContractCallOptions,
  ): Promise<T>
  start(
    key: string,
    work: (context: ExclusiveContractContext) => unknown,
    options?: Omit<ExclusiveContractCallOptions, 'signal'>,
  ): void
}

/** One object under test and how to release it. */
export interface ExclusiveContractSubject {
  readonly exclusive: ExclusiveContractTarget
  /** Releases everything; called after each test, even after a failure. */
  teardown(): Promise<void>
}

/** How {@link describeExclusiveContract} builds subjects. */
export interface ExclusiveContractOptions {
  /** Builds a fresh, empty subject; `onError` is the constructor option of the same name. */
  create(options: { onError?: (error: unknown, key: string) => void }): Promise<ExclusiveContractSubject>
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

async function until(condition: () => boolean, timeout = 5000): Promise<void> {
  const deadline = Date.now() + timeout
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await sleep(5)
  }
}

/** A promise that settles when `release()` is called. */
function gate(): { promise: Promise<void>; release: () => void } {
  let release!: () => void
  const promise = new Promise<void>((resolve) => {
    release = resolve
  })
  return { promise, release }
}

/**
 * Registers a vitest `describe()` block with the behaviour every `Exclusive`-like object shares in
 * one process: batching of calls made together, freshness, last joiner wins, one outcome for every
 * caller, independent keys, `wait`, `rateLimit`, `start()` and `onError`, abort, bad input.
 *
 * - Uses real timers and real promises only (it also runs against objects backed by I/O, whose
 *   batches start a round trip later), so its time-based checks use generous margins.
 *
 * @example
 * ```ts no-run
 * describeExclusiveContract('Exclusive', {
 *   async create(options) {
 *     return { exclusive: new Exclusive<string>(options), teardown: async () => {} }
 *   },
 * })
 * ```
 */
export function describeExclusiveContract(name: string, options: ExclusiveContractOptions): void {
  describe(name, () => {
    const subjects: ExclusiveContractSubject[] = []
    afterEach(async () => {
      await Promise.all(subjects.splice(0).map((subject) => subject.teardown()))
    })
    async function create(onError?: (error: unknown, key: string) => void): Promise<ExclusiveContractTarget> {
      const subject = await options.create(onError ? { onError } : {})
      subjects.push(subject)
      return subject.exclusive
    }

    it('runs the work once for 100 calls made in one tick, and they all get its value', async () => {
      const exclusive = await create()
      let runs = 0
      const value = { shared: true }
      const results = await Promise.all(
        Array.from({ length: 100 }, () =>
          exclusive.call('k', () => {
            runs++
            return value
          }),
        ),
      )
      expect(runs).toBe(1)
      for (const result of results) expect(result).toBe(value)
    })

    it('never lets a call join a run in progress: it gets the next run', async () => {
      const exclusive = await create()
      const first = gate()
      let runs = 0
      const a = exclusive.call('k', async () => {
        runs++
        await first.promise
        return 'first'
      })
      await until(() => runs === 1)
      const b = exclusive.call('k', () => {
        runs++
        return 'second'
      })
      await sleep(20)
      expect(runs).toBe(1)
      first.release()
      expect(await a).toBe('first')
      expect(await b).toBe('second')
      expect(runs).toBe(2)
    })

    it("runs the last joiner's work and never calls the others'", async () => {
      const exclusive = await create()
      const called: string[] = []
      const calls = ['a', 'b', 'c'].map((label) =>
        exclusive.call('k', () => {
          called.push(label)
          return label
        }),
      )
      expect(await Promise.all(calls)).toEqual(['c', 'c', 'c'])
      expect(called).toEqual(['c'])
    })

    it('rejects every caller with the same error object, a synchronous throw included', async () => {
      const exclusive = await create()
      const error = new Error('boom')
      const calls = [0, 1].map(() =>
        exclusive.call('k', () => {
          throw error
        }),
      )
      for (const call of calls) await expect(call).rejects.toBe(error)
    })

    it('keeps keys independent: different keys run at the same time', async () => {
      const exclusive = await create()
      const release = gate()
      let running = 0
      const work = async () => {
        running++
        await release.promise
        return running
      }
      const a = exclusive.call('a', work)
      const b = exclusive.call('b', work)
      await until(() => running === 2)
      release.release()
      expect(await Promise.all([a, b])).toEqual([2, 2])
    })

    it('never overlaps runs of one key', async () => {
      const exclusive = await create()
      let running = 0
      let max = 0
      const work = async () => {
        running++
        max = Math.max(max, running)
        await sleep(5)
        running--
      }
      const calls: Promise<unknown>[] = []
      for (let i = 0; i < 5; i++) {
        calls.push(exclusive.call('k', work))
        await sleep(3)
      }
      await Promise.all(calls)
      expect(max).toBe(1)
    })

    it('gives work a signal that does not abort while a caller waits', async () => {
      const exclusive = await create()
      const signal = await exclusive.call('k', async ({ signal }) => {
        await sleep(20)
        return signal
      })
      expect(signal.aborted).toBe(false)
    })

    it('wait: starts a batch no sooner than wait after its first call; calls in the window join it', async () => {
      const exclusive = await create()
      let runs = 0
      const started = Date.now()
      let ranAt = 0
      const work = () => {
        runs++
        ranAt = Date.now()
      }
      const first = exclusive.call('k', work, { wait: 150 })
      await sleep(50)
      const second = exclusive.call('k', work, { wait: 150 })
      await Promise.all([first, second])
      expect(runs).toBe(1)
      expect(ranAt - started).toBeGreaterThanOrEqual(140)
    })

    it('rateLimit: holds the next batch without delaying the result', async () => {
      const exclusive = await create()
      const starts: number[] = []
      const work = () => {
        starts.push(Date.now())
      }
      const before = Date.now()
      await exclusive.call('k', work, { rateLimit: 200 })
      expect(Date.now() - before).toBeLessThan(190)
      await exclusive.call('k', work)
      expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(190)
    })

    it('start(): runs a batch made only of start() calls, with the last joiner winning', async () => {
      const exclusive = await create()
      const called: string[] = []
      exclusive.start('k', () => called.push('a'))
      exclusive.start('k', () => called.push('b'))
      await until(() => called.length > 0)
      await sleep(20)
      expect(called).toEqual(['b'])
    })

    it('start(): sends errors nobody awaits to onError with the key', async () => {
      const errors: unknown[][] = []
      const exclusive = await create((error, key) => errors.push([error, key]))
      const error = new Error('nobody awaits')
      exclusive.start('k', () => Promise.reject(error))
      await until(() => errors.length > 0)
      await sleep(20)
      expect(errors).toEqual([[error, 'k']])
    })

    it('start(): hands the error to an awaiting caller instead of onError', async () => {
      const errors: unknown[] = []
      const exclusive = await create((error) => errors.push(error))
      const error = new Error('awaited')
      exclusive.start('k', () => Promise.reject(error))
      await expect(exclusive.call('k', () => Promise.reject(error))).rejects.toBe(error)
      await sleep(20)
      expect(errors).toEqual([])
    })

    it('start(): keeps the work signal from aborting while a start() is part of the run', async () => {
      const exclusive = await create()
      const controller = new AbortController()
      let seen: AbortSignal | undefined
      const work = async ({ signal }: ExclusiveContractContext) => {
        seen = signal
        await sleep(50)
      }
      exclusive.start('k', work)
      const call = exclusive.call('k', work, { signal: controller.signal })
      await until(() => seen !== undefined)
      controller.abort(new Error('left'))
      await expect(call).rejects.toThrow('left')
      await sleep(20)
      expect(seen?.aborted).toBe(false)
    })

    it('signal: rejects an aborted caller at once with the reason, and a batch nobody wants does not run', async () => {
      const exclusive = await create()
      let runs = 0
      const controller = new AbortController()
      const call = exclusive.call('k', () => runs++, { signal: controller.signal, wait: 100 })
      await sleep(10)
      const reason = new Error('stop')
      controller.abort(reason)
      await expect(call).rejects.toBe(reason)
      await sleep(150)
      expect(runs).toBe(0)
    })

    it('signal: rejects at once for an already aborted signal without running anything', async () => {
      const exclusive = await create()
      let runs = 0
      const reason = new Error('already')
      await expect(exclusive.call('k', () => runs++, { signal: AbortSignal.abort(reason) })).rejects.toBe(
        reason,
      )
      await sleep(20)
      expect(runs).toBe(0)
    })

    it('signal: aborts the work signal only when every caller of the run has aborted', async () => {
      const exclusive = await create()
      const controllers = [new AbortController(), new AbortController()]
      let seen: AbortSignal | undefined
      const work = async ({ signal }: ExclusiveContractContext) => {
        seen = signal
        await new Promise((resolve) => signal.addEventListener('abort', resolve))
        return 'stopped'
      }
      const calls = controllers.map((controller) => exclusive.call('k', work, { signal: controller.signal }))
      const checks = calls.map((call) => expect(call).rejects.toBeDefined())
      await until(() => seen !== undefined)
      controllers[0]!.abort('first')
      await sleep(30)
      expect(seen?.aborted).toBe(false)
      controllers[1]!.abort('second')
      await until(() => seen?.aborted === true)
      expect(seen?.reason).toBe('second')
      await Promise.all(checks)
    })

    it('bad input: call() rejects with TypeError/RangeError, start() throws them', async () => {
      const exclusive = await create()
      await expect(exclusive.call('k', 1 as never)).rejects.toBeInstanceOf(TypeError)
      await expect(exclusive.call('k', () => 1, 1 as never)).rejects.toBeInstanceOf(TypeError)
      await expect(exclusive.call('k', () => 1, { wait: '1' as never })).rejects.toBeInstanceOf(TypeError)
      await expect(exclusive.call('k', () => 1, { wait: -1 })).rejects.toBeInstanceOf(RangeError)
      await expect(
        exclusive.call('k', () => 1, { rateLimit: Number.POSITIVE_INFINITY }),
      ).rejects.toBeInstanceOf(RangeError)
      await expect(exclusive.call('k', () => 1, { signal: {} as never })).rejects.toBeInstanceOf(TypeError)
      expect(() => exclusive.start('k', 1 as never)).toThrow(TypeError)
      expect(() => exclusive.start('k', () => 1, { rateLimit: Number.NaN })).toThrow(RangeError)
    })
  })
}
