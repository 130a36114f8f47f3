import { Notifier, PubSub, type Subscription } from '@bigbuff/channel'
import { Op, same } from '@bigbuff/test-utils'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { COMMANDS, runs, weighted } from '../support/profile.js'
import { settle } from '../support/settle.js'
import { Signals } from '../support/signals.js'
import { type ModelPublish, type ModelSubscription, TopicModel } from './topic-model.js'

type Flavour = 'pubsub' | 'notifier'

interface Real {
  readonly flavour: Flavour
  readonly pubsub: PubSub<unknown>
  readonly notifier: Notifier<unknown, unknown>
  readonly subscriptions: {
    real: Subscription<unknown>
    model: ModelSubscription
    controller?: AbortController
  }[]
  readonly publishes: { model: ModelPublish; controller?: AbortController }[]
  readonly ops: Op[]
  readonly signals: Signals
}

type Command = fc.AsyncCommand<TopicModel, Real>
type SignalMode = 'none' | 'signal' | 'aborted' | 'abortNow'
const KEYS = ['a', 'b', 0, Number.NaN] as const

function keyOf(real: Real, key: number): unknown {
  return real.flavour === 'pubsub' ? 'only' : KEYS[key % KEYS.length]
}

class Subscribe implements Command {
  constructor(
    readonly key: number,
    readonly capacity: number,
    readonly mode: 'none' | 'signal' | 'aborted',
  ) {}
  check = () => true
  async run(model: TopicModel, real: Real): Promise<void> {
    const key = keyOf(real, this.key)
    const controller = this.mode === 'none' ? undefined : real.signals.controller()
    if (this.mode === 'aborted') controller?.abort(new Error('aborted before subscribing'))
    const options = { capacity: this.capacity, ...(controller && { signal: controller.signal }) }
    if (model.closed) {
      expect(() => real.pubsub.subscribe(options)).toThrow(
        expect.objectContaining({ code: 'ERR_BIGBUFF_CLOSED' }),
      )
      return
    }
    const subscription =
      real.flavour === 'pubsub' ? real.pubsub.subscribe(options) : real.notifier.subscribe(key, options)
    const m = model.subscribe(key, this.capacity, this.mode === 'aborted')
    real.subscriptions.push({ real: subscription, model: m, ...(controller && { controller }) })
  }
  toString = () => `subscribe(${this.key}, capacity ${this.capacity}, ${this.mode})`
}

class Next implements Command {
  constructor(readonly index: number) {}
  check = () => true
  async run(_model: TopicModel, real: Real): Promise<void> {
    if (real.subscriptions.length === 0) return
    const s = real.subscriptions[this.index % real.subscriptions.length] as Real['subscriptions'][number]
    const op = new Op(`next() #${real.ops.length}`, () => s.real.next())
    real.ops.push(op)
    s.model.next(op)
  }
  toString = () => `next(${this.index})`
}

class Publish implements Command {
  constructor(
    readonly key: number,
    readonly value: unknown,
    readonly mode: SignalMode,
  ) {}
  check = () => true
  async run(model: TopicModel, real: Real): Promise<void> {
    const key = keyOf(real, this.key)
    const controller = this.mode === 'none' ? undefined : real.signals.controller()
    if (this.mode === 'aborted') controller?.abort(new Error('aborted before publishing'))
    const options = controller && { signal: controller.signal }
    const op = new Op(`publish(${String(key)}, ${String(this.value)})`, () =>
      real.flavour === 'pubsub'
        ? real.pubsub.publish(this.value, options)
        : real.notifier.publish(key, this.value, options),
    )
    real.ops.push(op)
    if (controller?.signal.aborted) return op.rejectWith(same(controller.signal.reason))
    const publish = model.publish(key, this.value, op)
    if (controller === undefined || publish.settled) return
    if (this.mode === 'abortNow') {
      const reason = new Error('aborted right after publishing')
      controller.abort(reason)
      publish.abort(reason)
    } else {
      real.publishes.push({ model: publish, controller })
    }
  }
  toString = () => `publish(${this.key}, ${String(this.value)}, ${this.mode})`
}

class AbortPublish implements Command {
  constructor(readonly index: number) {}
  check = () => true
  async run(_model: TopicModel, real: Real): Promise<void> {
    const live = real.publishes.filter((p) => !p.model.settled)
    if (live.length === 0) return
    const target = live[this.index % live.length] as (typeof live)[number]
    const reason = new Error('aborted while publishing')
    target.controller?.abort(reason)
    target.model.abort(reason)
  }
  toString = () => `abortPublish(${this.index})`
}

class End implements Command {
  constructor(
    readonly index: number,
    readonly via: 'unsubscribe' | 'return' | 'dispose' | 'signal',
  ) {}
  check = () => true
  async run(model: TopicModel, real: Real): Promise<void> {
    if (real.subscriptions.length === 0) return
    const s = real.subscriptions[this.index % real.subscriptions.length] as Real['subscriptions'][number]
    if (this.via === 'return') {
      const op = new Op('return()', () => s.real.return?.() as Promise<IteratorResult<unknown>>)
      real.ops.push(op)
      op.resolveWith({ value: undefined, done: true })
    } else if (this.via === 'dispose') s.real[Symbol.dispose]()
    else if (this.via === 'signal' && s.controller) s.controller.abort(new Error('subscription aborted'))
    else s.real.unsubscribe()
    model.unsubscribe(s.model)
  }
  toString = () => `end(${this.index}, ${this.via})`
}

class Close implements Command {
  check = (model: Readonly<TopicModel>) => model instanceof TopicModel
  async run(model: TopicModel, real: Real): Promise<void> {
    if (real.flavour !== 'pubsub') return
    real.pubsub.close()
    real.pubsub.close()
    model.close()
  }
  toString = () => 'close()'
}

function compare(model: TopicModel, real: Real): void {
  for (const op of real.ops) op.verify()
  if (real.flavour === 'pubsub') {
    expect(real.pubsub.subscribers, 'subscribers').toBe(model.subscribers('only'))
    expect(real.pubsub.closed).toBe(model.closed)
  } else {
    for (const key of KEYS)
      expect(real.notifier.subscribers(key), `subscribers(${String(key)})`).toBe(model.subscribers(key))
  }
  const listening =
    real.subscriptions.filter((s) => s.controller && s.model.listening).length +
    real.publishes.filter((p) => !p.model.settled).length
  expect(
    real.signals.live,
    'abort listeners: listed or draining subscriptions and waiting publishes with a signal',
  ).toBe(listening)
}

const value = fc.oneof(fc.nat({ max: 99 }), fc.constantFrom(undefined, null))
const commands = fc.commands<TopicModel, Real>(
  weighted<Command>(
    [
      4,
      fc
        .tuple(
          fc.nat(),
          fc.constantFrom(0, 0, 1, 2, Number.POSITIVE_INFINITY),
          fc.constantFrom('none', 'signal', 'aborted'),
        )
        .map(([k, c, m]) => new Subscribe(k, c, m as 'none' | 'signal' | 'aborted')),
    ],
    [6, fc.nat().map((i) => new Next(i))],
    [6, fc.nat().map((i) => new Next(i))],
    [
      6,
      fc
        .tuple(fc.nat(), value, fc.constantFrom<SignalMode>('none', 'signal', 'aborted', 'abortNow'))
        .map(([k, v, m]) => new Publish(k, v, m)),
    ],
    [6, fc.tuple(fc.nat(), value).map(([k, v]) => new Publish(k, v, 'signal'))],
    [2, fc.nat().map((i) => new AbortPublish(i))],
    [
      2,
      fc
        .tuple(fc.nat(), fc.constantFrom('unsubscribe', 'return', 'dispose', 'signal'))
        .map(([i, via]) => new End(i, via as End['via'])),
    ],
    [1, fc.constant(new Close())],
  ),
  COMMANDS,
)

describe.each<Flavour>(['pubsub', 'notifier'])('%s against the reference model', (flavour) => {
  it(`agrees on every delivery, count, end and listener (${runs(50)} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(commands, async (cmds) => {
        const model = new TopicModel()
        const real: Real = {
          flavour,
          pubsub: new PubSub<unknown>(),
          notifier: new Notifier<unknown, unknown>(),
          subscriptions: [],
          publishes: [],
          ops: [],
          signals: new Signals(),
        }
        await fc.asyncModelRun(
          () => ({ model, real }),
          (function* () {
            for (const cmd of cmds) {
              yield {
                check: (m: Readonly<TopicModel>) => cmd.check(m),
                run: async (m: TopicModel, r: Real) => {
                  await cmd.run(m, r)
                  await settle()
                  compare(m, r)
                },
                toString: () => cmd.toString(),
              }
            }
          })(),
        )
        // Ending every subscription settles every publish still waiting.
        for (const s of real.subscriptions) {
          s.real.unsubscribe()
          model.unsubscribe(s.model)
        }
        await settle()
        compare(model, real)
        expect(model.publishes.every((p) => p.settled)).toBe(true)
        expect(real.signals.live).toBe(0)
      }),
      { numRuns: runs(50) },
    )
  })
})
