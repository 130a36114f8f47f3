import type { WorkContext } from '@bigbuff/core'
import { Exclusive } from '@bigbuff/exclusive'
import { Op, same } from '@bigbuff/test-utils'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { COMMANDS, runs, weighted } from '../support/profile.js'
import { settle } from '../support/settle.js'
import { Signals } from '../support/signals.js'
import {
  type Behaviour,
  ExclusiveModel,
  type ExclusiveModel as Model,
  type ModelCaller,
} from './exclusive-model.js'

/** Keys compared as Map keys: NaN is itself, 0 and -0 are one key. */
const KEYS = ['a', Number.NaN, 0, -0] as const

const failures = new Map<number, Error>()
function failure(id: number): Error {
  let error = failures.get(id)
  if (error === undefined) failures.set(id, (error = new Error(`work ${id} failed`)))
  return error
}

interface RealRun {
  readonly key: unknown
  readonly context: WorkContext
  finish: ((ok: boolean) => void) | undefined
}

interface Real {
  readonly exclusive: Exclusive<unknown>
  readonly started: Map<unknown, number[]>
  /** The context each work id received, and how to settle it. */
  readonly runs: Map<number, RealRun>
  readonly callers: ModelCaller[]
  readonly ops: Op[]
  readonly errors: { work: number; key: unknown }[]
  readonly signals: Signals
  readonly timers: number
  nextWork: number
}

type Command = fc.AsyncCommand<Model, Real>

function workFor(real: Real, id: number, key: unknown, behaviour: Behaviour) {
  return (context: WorkContext): unknown => {
    expect(real.runs.has(id), `work ${id} runs once`).toBe(false)
    const run: RealRun = { key, context, finish: undefined }
    real.runs.set(id, run)
    real.started.set(key, [...(real.started.get(key) ?? []), id])
    if (behaviour === 'value') return `value ${id}`
    if (behaviour === 'throw') throw failure(id)
    return new Promise((resolve, reject) => {
      run.finish = (ok) => (ok ? resolve(`value ${id}`) : reject(failure(id)))
    })
  }
}

interface Joiner {
  readonly key: number
  readonly behaviour: Behaviour
  readonly wait: number
  readonly rateLimit: number
  readonly as: 'call' | 'signal' | 'aborted' | 'start'
}

/** Calls made synchronously together, in one tick: they share one run per key. */
class Join implements Command {
  constructor(readonly joiners: readonly Joiner[]) {}
  check = () => true
  async run(model: Model, real: Real): Promise<void> {
    for (const j of this.joiners) {
      const key = KEYS[j.key % KEYS.length]
      const id = real.nextWork++
      failure(id)
      const work = workFor(real, id, key, j.behaviour)
      const options = {
        ...(j.wait > 0 && { wait: j.wait }),
        ...(j.rateLimit > 0 && { rateLimit: j.rateLimit }),
      }
      if (j.as === 'start') {
        real.exclusive.start(key, work, options)
        model.join(key, { id, behaviour: j.behaviour }, j.wait, j.rateLimit).starts++
        continue
      }
      const controller = j.as === 'call' ? undefined : real.signals.controller()
      if (j.as === 'aborted') controller?.abort(new Error('aborted before the call'))
      const op = new Op(`call(${String(key)}, work ${id})`, () =>
        real.exclusive.call(key, work, { ...options, ...(controller && { signal: controller.signal }) }),
      )
      real.ops.push(op)
      if (controller?.signal.aborted) {
        op.rejectWith(same(controller.signal.reason))
        continue
      }
      const batch = model.join(key, { id, behaviour: j.behaviour }, j.wait, j.rateLimit)
      const caller: ModelCaller = { op, controller, batch, aborted: false }
      batch.callers.push(caller)
      real.callers.push(caller)
    }
    model.flush()
  }
  toString = () =>
    `join([${this.joiners.map((j) => `${j.as} ${String(KEYS[j.key % KEYS.length])} ${j.behaviour}${j.wait ? ` wait ${j.wait}` : ''}${j.rateLimit ? ` rate ${j.rateLimit}` : ''}`).join(', ')}])`
}

class Abort implements Command {
  constructor(readonly index: number) {}
  check = () => true
  async run(model: Model, real: Real): Promise<void> {
    const live = real.callers.filter((c) => c.controller && !c.aborted && !c.batch.settled)
    if (live.length === 0) return
    const caller = live[this.index % live.length] as ModelCaller
    const reason = new Error('caller aborted')
    caller.controller?.abort(reason)
    model.abort(caller, reason)
  }
  toString = () => `abort(${this.index})`
}

class Finish implements Command {
  constructor(
    readonly key: number,
    readonly ok: boolean,
  ) {}
  check = () => true
  async run(model: Model, real: Real): Promise<void> {
    const running = KEYS.map((key) => model.run(key)).filter(
      (b) => b !== undefined && b.work.behaviour === 'later',
    )
    if (running.length === 0) return
    const batch = running[this.key % running.length] as NonNullable<(typeof running)[number]>
    real.runs.get(batch.work.id)?.finish?.(this.ok)
    model.finish(batch.key, this.ok)
  }
  toString = () => `finish(${this.key}, ${this.ok ? 'ok' : 'fail'})`
}

class Advance implements Command {
  constructor(readonly ms: number) {}
  check = () => true
  async run(model: Model): Promise<void> {
    await vi.advanceTimersByTimeAsync(this.ms)
    model.advance(this.ms)
  }
  toString = () => `advance(${this.ms})`
}

function compare(model: Model, real: Real): void {
  for (const op of real.ops) op.verify()
  // Which work ran, per key, in order: last writer wins, and a batch runs once.
  expect(real.started, 'the work functions that ran, per key').toStrictEqual(model.started)
  expect(real.exclusive.size, 'size: keys with any state').toBe(model.size)
  for (const key of KEYS)
    expect(real.exclusive.running(key), `running(${String(key)})`).toBe(model.running(key))
  // Keys compare as Map keys do (0 and -0 are one key).
  const normal = (key: unknown): unknown => (Object.is(key, -0) ? 0 : key)
  expect(
    real.errors.map((e) => ({ work: e.work, key: normal(e.key) })),
    'onError gets exactly the errors nobody awaited',
  ).toStrictEqual(model.errors.map((e) => ({ work: e.work, key: normal(e.key) })))
  expect(vi.getTimerCount() - real.timers, 'one timer per key at most, none once idle').toBe(model.timers)
  for (const key of KEYS) {
    const batch = model.run(key)
    if (batch === undefined) continue
    const signal = real.runs.get(batch.work.id)?.context.signal
    expect(signal?.aborted, `the run of ${String(key)} is abandoned only when all its callers left`).toBe(
      batch.abandoned !== undefined,
    )
    if (batch.abandoned) expect(signal?.reason).toBe(batch.abandoned.reason)
  }
  expect(real.signals.live, 'a listener per caller with a signal still waiting').toBe(
    real.callers.filter((c) => c.controller && !c.aborted && !c.batch.settled).length,
  )
}

const joiner: fc.Arbitrary<Joiner> = fc.record({
  key: fc.nat({ max: 3 }),
  behaviour: fc.constantFrom<Behaviour>('value', 'throw', 'later', 'later'),
  wait: fc.constantFrom(0, 0, 5, 20),
  rateLimit: fc.constantFrom(0, 0, 10, 30),
  as: fc.constantFrom<Joiner['as']>('call', 'call', 'signal', 'signal', 'aborted', 'start'),
})

const commands = fc.commands<Model, Real>(
  weighted<Command>(
    [6, fc.array(joiner, { minLength: 1, maxLength: 4 }).map((js) => new Join(js))],
    [6, fc.array(joiner, { minLength: 1, maxLength: 1 }).map((js) => new Join(js))],
    [3, fc.nat().map((i) => new Abort(i))],
    [4, fc.tuple(fc.nat(), fc.boolean()).map(([k, ok]) => new Finish(k, ok))],
    [4, fc.tuple(fc.nat(), fc.boolean()).map(([k, ok]) => new Finish(k, ok))],
    [5, fc.integer({ min: 1, max: 25 }).map((ms) => new Advance(ms))],
  ),
  COMMANDS,
)

describe('Exclusive against its reference model', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it(`agrees on batches, last writer, shared outcomes, wait, rate limits, aborts and size (${runs(50)} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(commands, async (cmds) => {
        // Timers a failed run left behind (while shrinking) must not count against this one.
        vi.clearAllTimers()
        const real: Real = {
          exclusive: new Exclusive<unknown>({
            onError: (error, key) => real.errors.push({ work: workOf(error), key }),
          }),
          started: new Map(),
          runs: new Map(),
          callers: [],
          ops: [],
          errors: [],
          signals: new Signals(),
          timers: vi.getTimerCount(),
          nextWork: 0,
        }
        const model = new ExclusiveModel(failure)
        model.now = Date.now()
        await fc.asyncModelRun(
          () => ({ model, real }),
          (function* () {
            for (const cmd of cmds) {
              yield {
                check: (m: Readonly<Model>) => cmd.check(m),
                run: async (m: Model, r: Real) => {
                  await cmd.run(m, r)
                  await settle()
                  compare(m, r)
                },
                toString: () => cmd.toString(),
              }
            }
          })(),
        )
        // Settling every run and letting every wait and hold pass leaves nothing behind.
        for (let i = 0; i < 50 && model.size > 0; i++) {
          const batch = KEYS.map((key) => model.run(key)).find((b) => b?.work.behaviour === 'later')
          if (batch !== undefined) {
            real.runs.get(batch.work.id)?.finish?.(true)
            model.finish(batch.key, true)
          }
          await settle()
          await vi.advanceTimersByTimeAsync(30)
          model.advance(30)
          await settle()
          compare(model, real)
        }
        expect(real.exclusive.size).toBe(0)
        expect(vi.getTimerCount()).toBe(real.timers)
        expect(real.signals.live).toBe(0)
      }),
      { numRuns: runs(50) },
    )
  })
})

function workOf(error: unknown): number {
  for (const [id, e] of failures) if (e === error) return id
  return -1
}
