import { BigBuffer, type Cleaner, defaultCleaner, fixedBufferCleaner } from '@bigbuff/buffer'
import { isBigbuffError } from '@bigbuff/core'
import { BufferModel, CLOSED, type CleanerKind, type ModelConsumer, Op, same } from '@bigbuff/test-utils'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { COMMANDS, runs, weighted } from '../support/profile.js'
import { settle } from '../support/settle.js'
import { Signals } from '../support/signals.js'

interface Real {
  readonly buffer: BigBuffer<unknown>
  readonly consumers: ReturnType<BigBuffer<unknown>['consumer']>[]
  readonly ops: Op[]
  readonly abortable: { op: Op; controller: AbortController; consumer: ModelConsumer }[]
  readonly signals: Signals
  readonly timers: number
  /** What `onError` received: the errors the cleaner threw. */
  readonly errors: unknown[]
  /** Which `done` promises have resolved: the buffer's, then each consumer's. */
  readonly done: { buffer: boolean; consumers: boolean[] }
}

type Command = fc.AsyncCommand<BufferModel, Real>

const value = fc.oneof(fc.nat(), fc.constantFrom(undefined, null, 'x'))
type SignalMode = 'none' | 'signal' | 'aborted' | 'abortNow'
const signalMode = fc.constantFrom<SignalMode>('none', 'none', 'signal', 'signal', 'aborted', 'abortNow')

function optionsFor(real: Real, mode: SignalMode): { controller?: AbortController; signal?: AbortSignal } {
  if (mode === 'none') return {}
  if (mode === 'aborted') return { signal: real.signals.aborted() }
  const controller = real.signals.controller()
  return { controller, signal: controller.signal }
}

class Put implements Command {
  constructor(
    readonly values: readonly unknown[],
    readonly mode: SignalMode,
    readonly many: 'single' | 'array' | 'iterable' | 'throwing',
  ) {}
  check = () => true
  async run(model: BufferModel, real: Real): Promise<void> {
    const { signal } = optionsFor(real, this.mode === 'abortNow' ? 'signal' : this.mode)
    const options = signal === undefined ? undefined : { signal }
    const failure = new Error('the iterable failed')
    const values = this.many === 'single' ? this.values.slice(0, 1) : this.values
    const many = this.many
    const op = new Op(`${many === 'single' ? 'put' : 'putAll'}(${String(values)})`, () => {
      if (many === 'single') return real.buffer.put(values[0], options)
      if (many === 'array') return real.buffer.putAll(values, options)
      return real.buffer.putAll(
        (function* () {
          yield* values
          if (many === 'throwing') throw failure
        })(),
        options,
      )
    })
    real.ops.push(op)
    if (signal?.aborted) op.rejectWith(same(signal.reason))
    else if (model.closed) op.rejectWith(CLOSED)
    else if (many === 'throwing') op.rejectWith(same(failure))
    else {
      op.resolveWith(undefined)
      model.append(values)
    }
  }
  toString = () => `put[${this.many}/${this.mode}](${this.values.map(String)})`
}

class NewConsumer implements Command {
  check = () => true
  async run(model: BufferModel, real: Real): Promise<void> {
    if (model.closed) {
      expect(() => real.buffer.consumer()).toThrow(expect.objectContaining({ code: 'ERR_BIGBUFF_CLOSED' }))
      return
    }
    const consumer = real.buffer.consumer()
    const index = real.consumers.push(consumer) - 1
    real.done.consumers[index] = false
    void consumer.done.then(() => {
      real.done.consumers[index] = true
    })
    model.addConsumer()
  }
  toString = () => 'consumer()'
}

abstract class OnConsumer implements Command {
  constructor(readonly index: number) {}
  check = (model: Readonly<BufferModel>) => model.consumers.length > 0
  protected pick(model: BufferModel, real: Real) {
    const i = this.index % model.consumers.length
    return { m: model.consumers[i] as ModelConsumer, r: real.consumers[i] as Real['consumers'][number], i }
  }
  abstract run(model: BufferModel, real: Real): Promise<void>
}

class Get extends OnConsumer {
  constructor(
    index: number,
    readonly mode: SignalMode,
  ) {
    super(index)
  }
  override async run(model: BufferModel, real: Real): Promise<void> {
    const { m, r, i } = this.pick(model, real)
    const { controller, signal } = optionsFor(real, this.mode)
    const op = new Op(`consumer ${i}.get() #${real.ops.length}`, () =>
      r.get(signal === undefined ? undefined : { signal }),
    )
    real.ops.push(op)
    if (signal?.aborted) return op.rejectWith(same(signal.reason))
    model.get(m, op)
    if (controller === undefined) return
    if (this.mode === 'abortNow') {
      const reason = new Error('aborted right after the call')
      controller.abort(reason)
      model.abort(m, op, reason)
    } else if (!op.settledByModel) {
      real.abortable.push({ op, controller, consumer: m })
    }
  }
  override toString = () => `get(${this.index}, ${this.mode})`
}

class Abort implements Command {
  constructor(readonly index: number) {}
  check = () => true
  async run(model: BufferModel, real: Real): Promise<void> {
    const waiting = real.abortable.filter((a) => !a.op.settledByModel)
    if (waiting.length === 0) return
    const target = waiting[this.index % waiting.length] as (typeof waiting)[number]
    const reason = new Error('aborted while waiting')
    target.controller.abort(reason)
    expect(model.abort(target.consumer, target.op, reason)).toBe(true)
  }
  toString = () => `abort(${this.index})`
}

class Commit extends OnConsumer {
  override async run(model: BufferModel, real: Real): Promise<void> {
    const { m, r, i } = this.pick(model, real)
    const op = new Op(`consumer ${i}.commit()`, () => r.commit())
    real.ops.push(op)
    model.commit(m, op)
  }
  override toString = () => `commit(${this.index})`
}

class Rollback extends OnConsumer {
  override async run(model: BufferModel, real: Real): Promise<void> {
    const { m, r, i } = this.pick(model, real)
    const op = new Op(`consumer ${i}.rollback()`, () => r.rollback())
    real.ops.push(op)
    model.rollback(m, op)
  }
  override toString = () => `rollback(${this.index})`
}

class CloseConsumer extends OnConsumer {
  override async run(model: BufferModel, real: Real): Promise<void> {
    const { m, r } = this.pick(model, real)
    const first = r.close()
    expect(r.close(), 'close() is idempotent').toBe(first)
    expect(r.done).toBe(first)
    model.closeConsumer(m)
  }
  override toString = () => `closeConsumer(${this.index})`
}

class CloseBuffer implements Command {
  check = () => true
  async run(model: BufferModel, real: Real): Promise<void> {
    const first = real.buffer.close()
    expect(real.buffer.close()).toBe(first)
    expect(real.buffer.done).toBe(first)
    model.close()
  }
  toString = () => 'close()'
}

class Advance implements Command {
  constructor(readonly ms: number) {}
  check = () => true
  async run(model: BufferModel): Promise<void> {
    await vi.advanceTimersByTimeAsync(this.ms)
    model.advance(this.ms)
  }
  toString = () => `advance(${this.ms})`
}

class SetConfig implements Command {
  constructor(
    readonly cleaner: CleanerKind,
    readonly cooldown: number,
  ) {}
  check = () => true
  async run(model: BufferModel, real: Real): Promise<void> {
    const cleaner = cleanerOf(this.cleaner, real)
    real.buffer.setCleanerConfig({ cleaner, cooldown: this.cooldown })
    expect(real.buffer.cleanerConfig).toEqual({ cleaner, cooldown: this.cooldown })
    model.cleaner = this.cleaner
    model.cooldown = this.cooldown
    model.cleanCalls = 0
  }
  toString = () => `setCleanerConfig(${JSON.stringify(this.cleaner)}, ${this.cooldown})`
}

const cleanerKind: fc.Arbitrary<CleanerKind> = fc.oneof(
  { arbitrary: fc.constant({ kind: 'default' } as const), weight: 3 },
  { arbitrary: fc.integer({ min: 1, max: 60 }).map((at) => ({ kind: 'failing', at }) as const), weight: 1 },
  {
    arbitrary: fc
      .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 6 }))
      .map(([max, t]) => ({ kind: 'fixed', max, target: Math.min(t, max) }) as const),
    weight: 1,
  },
)
const cooldown = fc.constantFrom(0, 0, 3, 10)

const commands = fc.commands<BufferModel, Real>(
  weighted<Command>(
    [
      20,
      fc
        .tuple(
          fc.array(value, { maxLength: 4 }),
          signalMode,
          fc.constantFrom('single', 'single', 'array', 'iterable', 'throwing'),
        )
        .map(
          ([values, mode, many]) =>
            new Put(values.length === 0 && many === 'single' ? [1] : values, mode, many),
        ),
    ],
    [2, fc.constant(new NewConsumer())],
    [16, fc.tuple(fc.nat(), signalMode).map(([i, mode]) => new Get(i, mode))],
    [3, fc.nat().map((i) => new Abort(i))],
    [10, fc.nat().map((i) => new Commit(i))],
    [4, fc.nat().map((i) => new Rollback(i))],
    [2, fc.nat().map((i) => new CloseConsumer(i))],
    [1, fc.constant(new CloseBuffer())],
    [4, fc.integer({ min: 1, max: 12 }).map((ms) => new Advance(ms))],
    [2, fc.tuple(cleanerKind, cooldown).map(([c, d]) => new SetConfig(c, d))],
  ),
  COMMANDS,
)

/** The real cleaner for a model cleaner; a failing one throws a fresh error on its `at`-th call. */
function cleanerOf(kind: CleanerKind, real: Pick<Real, 'errors'>): Cleaner {
  if (kind.kind === 'default') return defaultCleaner
  if (kind.kind === 'fixed') return fixedBufferCleaner(kind.max, kind.target)
  let calls = 0
  return (size, offsets) => {
    if (++calls === kind.at) throw new CleanerFailure(real.errors.length)
    return defaultCleaner(size, offsets)
  }
}

class CleanerFailure extends Error {
  constructor(readonly index: number) {
    super(`the cleaner failed (${index})`)
  }
}

/** Everything observable about the buffer and its consumers must match the model. */
function compare(model: BufferModel, real: Real): void {
  for (const op of real.ops) op.verify()
  expect(real.buffer.slice(), 'slice() holds the retained values').toStrictEqual(model.log.slice(model.start))
  expect(real.buffer.size).toBe(model.size)
  expect(real.buffer.closed).toBe(model.closed)
  expect(real.errors.length, 'onError gets each error a cleaner threw, once').toBe(model.failures)
  for (const [i, error] of real.errors.entries()) expect((error as CleanerFailure).index).toBe(i)
  expect(real.buffer.consumers, 'consumers counts the open ones').toBe(model.registered.length)
  model.consumers.forEach((m, i) => {
    const r = real.consumers[i] as Real['consumers'][number]
    expect(r.pending, `consumer ${i}.pending`).toBe(m.cursor - m.committed)
    expect(r.closed, `consumer ${i}.closed`).toBe(m.closed)
    expect(real.buffer.diff(r), `diff(consumer ${i})`).toBe(model.diff(m))
    expect(real.done.consumers[i], `consumer ${i}.done resolved once its close finished`).toBe(m.finished)
  })
  expect(real.done.buffer, 'buffer.done resolves once closed and every consumer finished').toBe(model.done)
  expect(vi.getTimerCount() - real.timers, 'one cooldown timer at most, none once closed').toBe(
    model.timerAt === undefined ? 0 : 1,
  )
  expect(real.signals.live, 'no abort listener outlives its get()').toBe(
    real.abortable.filter((a) => !a.op.settledByModel).length,
  )
}

describe('BigBuffer against its reference model', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it(`agrees on every value, error, size, diff, timer and listener (${runs(50)} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        cleanerKind,
        cooldown,
        fc.integer({ min: 1, max: 3 }),
        commands,
        async (cleaner, cooldownMs, initial, cmds) => {
          // Timers a failed run left behind (while shrinking) must not count against this one.
          vi.clearAllTimers()
          const timers = vi.getTimerCount()
          const errors: unknown[] = []
          const real: Real = {
            errors,
            buffer: new BigBuffer<unknown>({
              cooldown: cooldownMs,
              cleaner: cleanerOf(cleaner, { errors }),
              onError: (error) => errors.push(error),
            }),
            consumers: [],
            ops: [],
            abortable: [],
            signals: new Signals(),
            timers,
            done: { buffer: false, consumers: [] },
          }
          void real.buffer.done.then(() => {
            real.done.buffer = true
          })
          const model = new BufferModel(cleaner, cooldownMs)
          for (let i = 0; i < initial; i++) await new NewConsumer().run(model, real)
          await fc.asyncModelRun(
            () => ({ model, real }),
            (function* () {
              for (const cmd of cmds) {
                yield {
                  check: (m: Readonly<BufferModel>) => cmd.check(m),
                  run: async (m: BufferModel, r: Real) => {
                    await cmd.run(m, r)
                    await settle()
                    compare(m, r)
                  },
                  toString: () => cmd.toString(),
                }
              }
            })(),
          )
          // Whatever happened, closing and resolving every pending read lets close() finish and
          // leaves no timer behind.
          model.close()
          void real.buffer.close()
          for (const [i, m] of model.consumers.entries()) {
            if (m.finished || m.cursor === m.committed) continue
            const op = new Op(`final rollback ${i}`, () =>
              (real.consumers[i] as Real['consumers'][number]).rollback(),
            )
            real.ops.push(op)
            model.rollback(m, op)
          }
          await settle()
          compare(model, real)
          expect(real.done.buffer, 'close() finishes once every read is resolved').toBe(true)
          expect(vi.getTimerCount()).toBe(timers)
          expect(real.signals.live).toBe(0)
        },
      ),
      { numRuns: runs(50) },
    )
  })

  it('rejects a ConsumerBehindError with the offset and distance of a consumer a forced trim passed', async () => {
    const buffer = new BigBuffer<number>({ cooldown: 0, cleaner: fixedBufferCleaner(2, 1) })
    const consumer = buffer.consumer()
    await buffer.putAll([1, 2, 3])
    const error = await consumer.get().catch((e: unknown) => e)
    expect(isBigbuffError(error, 'ERR_BIGBUFF_CONSUMER_BEHIND')).toBe(true)
    expect(error).toMatchObject({ offset: 0, behind: 2 })
    expect(buffer.diff(consumer)).toBe(-2)
  })
})
