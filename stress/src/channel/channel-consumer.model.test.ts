import { Chan, ChannelConsumer } from '@bigbuff/channel'
import { Op, same } from '@bigbuff/test-utils'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { COMMANDS, runs, weighted } from '../support/profile.js'
import { settle } from '../support/settle.js'
import { Signals } from '../support/signals.js'
import { ChannelConsumerModel, type ChanSource, type SourceModel } from './channel-consumer-model.js'
import { TestSource } from './test-source.js'

interface Real {
  readonly consumer: ChannelConsumer<unknown>
  readonly chan: Chan<unknown> | undefined
  readonly source: TestSource | undefined
  readonly ctor: AbortController | undefined
  readonly ops: Op[]
  readonly abortable: { op: Op; controller: AbortController }[]
  readonly signals: Signals
  done: boolean
}

type Command = fc.AsyncCommand<ChannelConsumerModel, Real>
type SignalMode = 'none' | 'signal' | 'aborted' | 'abortNow'
const value = fc.oneof(fc.nat({ max: 99 }), fc.constantFrom(undefined, null))

class Get implements Command {
  constructor(readonly mode: SignalMode) {}
  check = () => true
  async run(model: ChannelConsumerModel, real: Real): Promise<void> {
    const controller = this.mode === 'none' ? undefined : real.signals.controller()
    if (this.mode === 'aborted') controller?.abort(new Error('aborted before get()'))
    const op = new Op(`get() #${real.ops.length}`, () =>
      real.consumer.get(controller && { signal: controller.signal }),
    )
    real.ops.push(op)
    if (controller?.signal.aborted) return op.rejectWith(same(controller.signal.reason))
    model.get(op)
    if (controller === undefined || op.settledByModel) return
    if (this.mode === 'abortNow') {
      const reason = new Error('aborted right after get()')
      controller.abort(reason)
      model.abort(op, reason)
    } else {
      real.abortable.push({ op, controller })
    }
  }
  toString = () => `get(${this.mode})`
}

class Abort implements Command {
  constructor(readonly index: number) {}
  check = () => true
  async run(model: ChannelConsumerModel, real: Real): Promise<void> {
    const live = real.abortable.filter((a) => !a.op.settledByModel)
    if (live.length === 0) return
    const target = live[this.index % live.length] as (typeof live)[number]
    const reason = new Error('aborted while waiting')
    target.controller.abort(reason)
    expect(model.abort(target.op, reason)).toBe(true)
  }
  toString = () => `abort(${this.index})`
}

class Resolve implements Command {
  constructor(readonly how: 'commit' | 'rollback') {}
  check = () => true
  async run(model: ChannelConsumerModel, real: Real): Promise<void> {
    const op = new Op(`${this.how}()`, () => real.consumer[this.how]())
    real.ops.push(op)
    model[this.how](op)
  }
  toString = () => `${this.how}()`
}

class Close implements Command {
  constructor(readonly via: 'close' | 'signal') {}
  check = () => true
  async run(model: ChannelConsumerModel, real: Real): Promise<void> {
    if (this.via === 'signal' && real.ctor !== undefined) real.ctor.abort(new Error('constructor signal'))
    else {
      const first = real.consumer.close()
      expect(real.consumer.close()).toBe(first)
      expect(real.consumer.done).toBe(first)
    }
    model.close()
  }
  toString = () => `close(${this.via})`
}

class Send implements Command {
  constructor(
    readonly value: unknown,
    readonly how: 'send' | 'trySend',
  ) {}
  check = (model: Readonly<ChannelConsumerModel>) => model.source.kind === 'chan'
  async run(model: ChannelConsumerModel, real: Real): Promise<void> {
    const chan = real.chan as Chan<unknown>
    const source = model.source as ChanSource
    if (this.how === 'trySend') {
      if (source.closed) {
        expect(() => chan.trySend(this.value)).toThrow(
          expect.objectContaining({ code: 'ERR_BIGBUFF_CLOSED' }),
        )
        return
      }
      const ready = model.pulling || source.buffer.length < source.capacity
      expect(chan.trySend(this.value)).toBe(ready)
      // A trySend that succeeds is a send that resolved at once.
      if (ready) model.send(this.value, new Op('trySend', () => Promise.resolve()))
      return
    }
    const op = new Op(`send(${String(this.value)})`, () => chan.send(this.value))
    real.ops.push(op)
    model.send(this.value, op)
  }
  toString = () => `${this.how}(${String(this.value)})`
}

class CloseChan implements Command {
  check = (model: Readonly<ChannelConsumerModel>) => model.source.kind === 'chan'
  async run(model: ChannelConsumerModel, real: Real): Promise<void> {
    real.chan?.close()
    model.closeChan()
  }
  toString = () => 'chan.close()'
}

class Produce implements Command {
  constructor(readonly value: unknown) {}
  check = (model: Readonly<ChannelConsumerModel>) => model.source.kind === 'async'
  async run(model: ChannelConsumerModel, real: Real): Promise<void> {
    real.source?.produce(this.value)
    model.produce(this.value)
  }
  toString = () => `produce(${String(this.value)})`
}

class Finish implements Command {
  constructor(readonly fails: boolean) {}
  check = (model: Readonly<ChannelConsumerModel>) => model.source.kind === 'async'
  async run(model: ChannelConsumerModel, real: Real): Promise<void> {
    const end = this.fails ? { error: new Error('the source failed') } : ('done' as const)
    real.source?.finish(end)
    model.finish(end)
  }
  toString = () => (this.fails ? 'source throws' : 'source ends')
}

function compare(model: ChannelConsumerModel, real: Real): void {
  for (const op of real.ops) op.verify()
  expect(real.consumer.pending, 'pending').toBe(model.cursor)
  expect(real.consumer.closed, 'closed').toBe(model.closed)
  expect(real.consumer.buffered(), 'buffered() holds what was received and not committed').toStrictEqual(
    model.values,
  )
  if (model.source.kind === 'chan') expect(real.chan?.size).toBe(model.source.buffer.length)
  if (model.source.kind === 'async') {
    expect(real.source?.returnCalls, 'close() calls the iterator’s return() once').toBe(
      model.source.returned ? 1 : 0,
    )
    expect(real.source?.overlapping, 'one read from the source at a time').toBe(0)
  }
  expect(real.done, 'done resolves once closed').toBe(model.closed)
  expect(real.signals.live, 'listeners: one per waiting get() with a signal, and the constructor’s').toBe(
    real.abortable.filter((a) => !a.op.settledByModel).length + (real.ctor && !model.closed ? 1 : 0),
  )
}

type SourceSpec =
  | { readonly kind: 'chan'; readonly capacity: number }
  | { readonly kind: 'async' }
  | { readonly kind: 'sync'; readonly values: unknown[]; readonly throwAt: number }

const sourceSpec: fc.Arbitrary<SourceSpec> = fc.oneof(
  fc.record({
    kind: fc.constant('chan' as const),
    capacity: fc.constantFrom(0, 1, 3, Number.POSITIVE_INFINITY),
  }),
  fc.record({ kind: fc.constant('async' as const) }),
  fc.record({
    kind: fc.constant('sync' as const),
    values: fc.array(value, { maxLength: 8 }),
    throwAt: fc.integer({ min: -1, max: 9 }),
  }),
)

const commands = fc.commands<ChannelConsumerModel, Real>(
  weighted<Command>(
    [8, fc.constantFrom<SignalMode>('none', 'signal', 'aborted', 'abortNow').map((m) => new Get(m))],
    [8, fc.constantFrom<SignalMode>('none', 'signal').map((m) => new Get(m))],
    [3, fc.nat().map((i) => new Abort(i))],
    [4, fc.constantFrom('commit' as const, 'rollback' as const).map((how) => new Resolve(how))],
    [4, fc.constantFrom('commit' as const, 'rollback' as const).map((how) => new Resolve(how))],
    [1, fc.constantFrom('close' as const, 'signal' as const).map((via) => new Close(via))],
    [
      6,
      fc
        .tuple(value, fc.constantFrom('send' as const, 'trySend' as const))
        .map(([v, how]) => new Send(v, how)),
    ],
    [
      6,
      fc
        .tuple(value, fc.constantFrom('send' as const, 'trySend' as const))
        .map(([v, how]) => new Send(v, how)),
    ],
    [1, fc.constant(new CloseChan())],
    [6, value.map((v) => new Produce(v))],
    [6, value.map((v) => new Produce(v))],
    [1, fc.boolean().map((fails) => new Finish(fails))],
  ),
  COMMANDS,
)

function setup(spec: SourceSpec, withSignal: boolean): { model: ChannelConsumerModel; real: Real } {
  const signals = new Signals()
  const ctor = withSignal ? signals.controller() : undefined
  let source: SourceModel
  let chan: Chan<unknown> | undefined
  let test: TestSource | undefined
  let iterable: Iterable<unknown> | undefined
  if (spec.kind === 'chan') {
    chan = new Chan<unknown>(spec.capacity)
    source = { kind: 'chan', capacity: spec.capacity, buffer: [], senders: [], closed: false }
  } else if (spec.kind === 'async') {
    test = new TestSource()
    source = { kind: 'async', queue: [], end: undefined, returned: false }
  } else {
    const failure = new Error('the iterable threw')
    const { values, throwAt } = spec
    iterable = {
      *[Symbol.iterator]() {
        for (let i = 0; ; i++) {
          if (i === throwAt) throw failure
          if (i >= values.length) return
          yield values[i]
        }
      },
    }
    source = { kind: 'sync', values, throwAt, failure, position: 0 }
  }
  const consumer = new ChannelConsumer<unknown>(
    (chan ?? test ?? iterable) as Iterable<unknown>,
    ctor && { signal: ctor.signal },
  )
  const real: Real = { consumer, chan, source: test, ctor, ops: [], abortable: [], signals, done: false }
  void consumer.done.then(() => {
    real.done = true
  })
  return { model: new ChannelConsumerModel(source), real }
}

describe('ChannelConsumer against its reference model', () => {
  it(`agrees on every value, redelivery, error and buffered() over channels, async and sync sources (${runs(50)} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(sourceSpec, fc.boolean(), commands, async (spec, withSignal, cmds) => {
        const { model, real } = setup(spec, withSignal)
        await fc.asyncModelRun(
          () => ({ model, real }),
          (function* () {
            for (const cmd of cmds) {
              yield {
                check: (m: Readonly<ChannelConsumerModel>) => cmd.check(m),
                run: async (m: ChannelConsumerModel, r: Real) => {
                  await cmd.run(m, r)
                  await settle()
                  compare(m, r)
                },
                toString: () => cmd.toString(),
              }
            }
          })(),
        )
        // Nothing lost: every value the source produced is committed, or still in buffered().
        expect([...model.committed, ...real.consumer.buffered()]).toStrictEqual(model.produced)
        model.close()
        await real.consumer.close()
        await settle()
        compare(model, real)
        expect(real.signals.live).toBe(0)
        expect(model.getters).toHaveLength(0)
      }),
      { numRuns: runs(50) },
    )
  })
})
