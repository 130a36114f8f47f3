import { type BigbuffErrorCode, type Consumer, isBigbuffError } from '@bigbuff/core'
import { afterEach, describe, expect, it } from 'vitest'

/** One consumer under test, with a way to feed it and to clean up after it. */
export interface ConsumerContractSubject {
  /** The consumer under test: fresh, nothing read yet. */
  readonly consumer: Consumer<number>
  /** Makes `values` available to the consumer, in order; resolves once they are readable. */
  put(values: readonly number[]): Promise<void>
  /** Releases everything; called after each test, even after a failure. */
  teardown(): Promise<void>
}

/** How {@link describeConsumerContract} builds subjects, and where the implementation may differ. */
export interface ConsumerContractOptions {
  /** Builds a fresh subject for one test. */
  create(): Promise<ConsumerContractSubject>
  /**
   * Whether `close()` waits until nothing is pending (someone commits or rolls back) before it
   * resolves, as `BigBuffer`'s consumer does. `false` for consumers whose `close()` resolves with
   * uncommitted reads outstanding (`ChannelConsumer`, the Redis consumer).
   */
  readonly closeWaitsForPending: boolean
}

/**
 * Registers a vitest `describe()` block holding the contract every `Consumer<T>` implementation
 * must meet: ordering, commit, rollback redelivery, `pending`, the nothing-to-commit/rollback
 * errors, `ClosedError`, abort without loss, concurrent gets, idempotent close and `await using`.
 *
 * - Uses real promises only (no fake timers), so it also runs against consumers backed by I/O;
 *   do not fake timers around it.
 * - Each test creates its subject through `options.create()` and calls its `teardown()` after.
 *
 * @param name - the title of the `describe()` block, e.g. `'BigBuffer consumer'`.
 * @param options - the subject factory and capability flags.
 * @example
 * ```ts no-run
 * describeConsumerContract('BigBuffer consumer', {
 *   closeWaitsForPending: true,
 *   async create() {
 *     const buffer = new BigBuffer<number>()
 *     const consumer = buffer.consumer()
 *     return { consumer, put: (values: readonly number[]) => buffer.putAll(values), teardown: () => buffer.close() }
 *   },
 * })
 * ```
 */
export function describeConsumerContract(name: string, options: ConsumerContractOptions): void {
  describe(name, () => {
    let current: ConsumerContractSubject | undefined

    async function setup(): Promise<ConsumerContractSubject> {
      current = await options.create()
      return current
    }

    afterEach(async () => {
      const subject = current
      current = undefined
      await subject?.teardown()
    })

    it('get() resolves values in the order they were put', async () => {
      const { consumer, put } = await setup()
      await put([1, 2, 3])
      await put([4, 5])
      const received: number[] = []
      for (let i = 0; i < 5; i++) received.push(await consumer.get())
      expect(received).toEqual([1, 2, 3, 4, 5])
    })

    it('get() waits for a value put later', async () => {
      const { consumer, put } = await setup()
      const got = consumer.get()
      expect(consumer.pending).toBe(0)
      await put([7])
      await expect(got).resolves.toBe(7)
      expect(consumer.pending).toBe(1)
    })

    it('pending counts values read since the last commit or rollback', async () => {
      const { consumer, put } = await setup()
      expect(consumer.pending).toBe(0)
      await put([1, 2, 3])
      await consumer.get()
      await consumer.get()
      expect(consumer.pending).toBe(2)
      await consumer.commit()
      expect(consumer.pending).toBe(0)
      await consumer.get()
      expect(consumer.pending).toBe(1)
      await consumer.rollback()
      expect(consumer.pending).toBe(0)
    })

    it('commit() makes the values read durable: they are not delivered again', async () => {
      const { consumer, put } = await setup()
      await put([1, 2])
      expect(await consumer.get()).toBe(1)
      await consumer.commit()
      await expectCode(consumer.rollback(), 'ERR_BIGBUFF_NOTHING_TO_ROLLBACK')
      expect(await consumer.get()).toBe(2)
    })

    it('rollback() redelivers the uncommitted values in order before anything new', async () => {
      const { consumer, put } = await setup()
      await put([1, 2, 3])
      expect(await consumer.get()).toBe(1)
      await consumer.commit()
      expect(await consumer.get()).toBe(2)
      expect(await consumer.get()).toBe(3)
      await put([4])
      await consumer.rollback()
      const received: number[] = []
      for (let i = 0; i < 3; i++) received.push(await consumer.get())
      expect(received).toEqual([2, 3, 4])
      expect(consumer.pending).toBe(3)
    })

    it('rollback() can be repeated: each one rewinds to the last commit', async () => {
      const { consumer, put } = await setup()
      await put([1, 2])
      expect(await consumer.get()).toBe(1)
      await consumer.rollback()
      expect(await consumer.get()).toBe(1)
      expect(await consumer.get()).toBe(2)
      await consumer.rollback()
      expect([await consumer.get(), await consumer.get()]).toEqual([1, 2])
    })

    it('commit() with nothing pending rejects NothingToCommitError', async () => {
      const { consumer, put } = await setup()
      await expectCode(consumer.commit(), 'ERR_BIGBUFF_NOTHING_TO_COMMIT')
      await put([1])
      await consumer.get()
      await consumer.commit()
      await expectCode(consumer.commit(), 'ERR_BIGBUFF_NOTHING_TO_COMMIT')
    })

    it('rollback() with nothing pending rejects NothingToRollbackError', async () => {
      const { consumer, put } = await setup()
      await expectCode(consumer.rollback(), 'ERR_BIGBUFF_NOTHING_TO_ROLLBACK')
      await put([1])
      await consumer.get()
      await consumer.rollback()
      await expectCode(consumer.rollback(), 'ERR_BIGBUFF_NOTHING_TO_ROLLBACK')
    })

    it('concurrent get()s are served in order, each with the next value', async () => {
      const { consumer, put } = await setup()
      const waiting = [consumer.get(), consumer.get(), consumer.get()]
      await put([1, 2, 3, 4])
      expect(await Promise.all(waiting)).toEqual([1, 2, 3])
      expect(await Promise.all([consumer.get()])).toEqual([4])
      expect(consumer.pending).toBe(4)
    })

    it('concurrent get()s over values already put are served in order', async () => {
      const { consumer, put } = await setup()
      await put([1, 2, 3])
      expect(await Promise.all([consumer.get(), consumer.get(), consumer.get()])).toEqual([1, 2, 3])
    })

    it('get() with an already aborted signal rejects with the reason and consumes nothing', async () => {
      const { consumer, put } = await setup()
      await put([1])
      const reason = new Error('already aborted')
      await expect(consumer.get({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason)
      expect(consumer.pending).toBe(0)
      expect(await consumer.get()).toBe(1)
    })

    it('an aborted get() loses nothing: the value put afterwards goes to the next get()', async () => {
      const { consumer, put } = await setup()
      const controller = new AbortController()
      const reason = new Error('stop waiting')
      const aborted = consumer.get({ signal: controller.signal })
      controller.abort(reason)
      await expect(aborted).rejects.toBe(reason)
      expect(consumer.pending).toBe(0)
      await put([1])
      expect(await consumer.get()).toBe(1)
      expect(consumer.pending).toBe(1)
    })

    it('aborting one of several waiting get()s leaves the others in order', async () => {
      const { consumer, put } = await setup()
      const controller = new AbortController()
      const first = consumer.get()
      const second = consumer.get({ signal: controller.signal })
      const third = consumer.get()
      controller.abort('no longer wanted')
      await expect(second).rejects.toBe('no longer wanted')
      await put([1, 2])
      expect(await Promise.all([first, third])).toEqual([1, 2])
    })

    it('get() with a signal that is not aborted resolves normally', async () => {
      const { consumer, put } = await setup()
      const controller = new AbortController()
      const got = consumer.get({ signal: controller.signal })
      await put([5])
      await expect(got).resolves.toBe(5)
      controller.abort()
      await consumer.commit()
    })

    it('closed is false until close() is called, then true at once', async () => {
      const { consumer } = await setup()
      expect(consumer.closed).toBe(false)
      const closing = consumer.close()
      expect(consumer.closed).toBe(true)
      await closing
      expect(consumer.closed).toBe(true)
    })

    it('close() is idempotent: every call returns the same promise', async () => {
      const { consumer } = await setup()
      const first = consumer.close()
      expect(consumer.close()).toBe(first)
      await first
      expect(consumer.close()).toBe(first)
      await expect(consumer.close()).resolves.toBeUndefined()
    })

    it('done is the same promise every time and resolves once closed', async () => {
      const { consumer } = await setup()
      const done = consumer.done
      expect(consumer.done).toBe(done)
      expect(await settledWithinATurn(done)).toBe(false)
      await consumer.close()
      await expect(done).resolves.toBeUndefined()
      expect(consumer.done).toBe(done)
    })

    it('get() rejects ClosedError after close(), even with values available', async () => {
      const { consumer, put } = await setup()
      await put([1, 2])
      await consumer.close()
      await expectCode(consumer.get(), 'ERR_BIGBUFF_CLOSED')
      await expectCode(consumer.get(), 'ERR_BIGBUFF_CLOSED')
    })

    it('close() rejects waiting get()s with ClosedError', async () => {
      const { consumer } = await setup()
      const first = consumer.get()
      const second = consumer.get()
      const closing = consumer.close()
      await expectCode(first, 'ERR_BIGBUFF_CLOSED')
      await expectCode(second, 'ERR_BIGBUFF_CLOSED')
      await closing
    })

    if (options.closeWaitsForPending) {
      it('close() waits until a commit() settles the pending values', async () => {
        const { consumer, put } = await setup()
        await put([1, 2])
        expect(await consumer.get()).toBe(1)
        const waiting = consumer.get()
        expect(await waiting).toBe(2)
        const closing = consumer.close()
        expect(consumer.closed).toBe(true)
        expect(await settledWithinATurn(closing)).toBe(false)
        expect(await settledWithinATurn(consumer.done)).toBe(false)
        await expectCode(consumer.get(), 'ERR_BIGBUFF_CLOSED')
        await consumer.commit()
        await closing
        await consumer.done
        expect(consumer.pending).toBe(0)
      })

      it('close() waits until a rollback() settles the pending values, rejecting waiting get()s', async () => {
        const { consumer, put } = await setup()
        await put([1])
        expect(await consumer.get()).toBe(1)
        const waiting = consumer.get()
        const closing = consumer.close()
        await expectCode(waiting, 'ERR_BIGBUFF_CLOSED')
        expect(await settledWithinATurn(closing)).toBe(false)
        await consumer.rollback()
        await closing
        expect(consumer.pending).toBe(0)
      })
    } else {
      it('close() resolves without waiting for uncommitted reads', async () => {
        const { consumer, put } = await setup()
        await put([1])
        expect(await consumer.get()).toBe(1)
        await consumer.close()
        await consumer.done
        expect(consumer.closed).toBe(true)
        await expectCode(consumer.get(), 'ERR_BIGBUFF_CLOSED')
      })
    }

    it('await using closes the consumer at the end of the block', async () => {
      const { consumer, put } = await setup()
      await put([1])
      {
        await using scoped = consumer
        expect(await scoped.get()).toBe(1)
        await scoped.commit()
        expect(scoped.closed).toBe(false)
      }
      expect(consumer.closed).toBe(true)
      expect(await settledWithinATurn(consumer.done)).toBe(true)
      await expectCode(consumer.get(), 'ERR_BIGBUFF_CLOSED')
    })

    it('[Symbol.asyncDispose]() after close() settles like close()', async () => {
      const { consumer } = await setup()
      const closing = consumer.close()
      await consumer[Symbol.asyncDispose]()
      await closing
      expect(consumer.closed).toBe(true)
    })
  })
}

/** Asserts that `promise` rejects with a bigbuff error of the given code (works across copies of core). */
async function expectCode(promise: Promise<unknown>, code: BigbuffErrorCode): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  )
  expect(isBigbuffError(error, code), `expected a rejection with ${code}, got ${String(error)}`).toBe(true)
}

/** Whether `promise` settles before one macrotask turn has passed. */
async function settledWithinATurn(promise: Promise<unknown>): Promise<boolean> {
  let settled = false
  const mark = (): void => {
    settled = true
  }
  promise.then(mark, mark)
  await new Promise<void>((resolve) => setTimeout(resolve, 0))
  return settled
}
