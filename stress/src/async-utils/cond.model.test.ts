import { Cond, waitFor } from '@bigbuff/async-utils'
import { Op, same } from '@bigbuff/test-utils'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { COMMANDS, runs, weighted } from '../support/profile.js'
import { settle } from '../support/settle.js'
import { Signals } from '../support/signals.js'

/** A waiter of the model: a plain `wait()`, or a `waitFor(counter >= target)`. */
interface ModelWaiter {
  readonly op: Op
  readonly target: number | undefined
  /** How often its predicate ran, in the model and for real. */
  evaluations: number
  readonly real: { evaluations: number }
  controller: AbortController | undefined
  settled: boolean
}

/** The reference model: a FIFO of waiters; `waitFor` re-checks its predicate after every wake-up. */
class CondModel {
  readonly queue: ModelWaiter[] = []
  readonly all: ModelWaiter[] = []
  counter = 0

  add(waiter: ModelWaiter): void {
    this.all.push(waiter)
    if (waiter.target !== undefined && !this.check(waiter)) return
    this.queue.push(waiter)
  }

  signal(): void {
    const waiter = this.queue.shift()
    if (waiter !== undefined) this.wake([waiter])
  }

  broadcast(): void {
    this.wake(this.queue.splice(0))
  }

  abort(waiter: ModelWaiter, reason: unknown): void {
    this.queue.splice(this.queue.indexOf(waiter), 1)
    waiter.settled = true
    waiter.op.rejectWith(same(reason))
  }

  /** Woken waiters: a `wait()` resolves; a `waitFor` re-checks, and waits again at the back if false. */
  private wake(waiters: ModelWaiter[]): void {
    for (const waiter of waiters) {
      if (waiter.target === undefined) {
        waiter.settled = true
        waiter.op.resolveWith(undefined)
      } else if (this.check(waiter)) {
        this.queue.push(waiter)
      }
    }
  }

  /** Runs a waitFor's predicate; resolves it when true. Returns whether it must keep waiting. */
  private check(waiter: ModelWaiter): boolean {
    waiter.evaluations++
    if (this.counter < (waiter.target as number)) return true
    waiter.settled = true
    waiter.op.resolveWith(undefined)
    return false
  }
}

interface Real {
  readonly cond: Cond
  readonly signals: Signals
  counter: number
}

type Command = fc.AsyncCommand<CondModel, Real>

class Wait implements Command {
  constructor(
    readonly target: number | undefined,
    readonly mode: 'none' | 'signal' | 'aborted',
  ) {}
  check = () => true
  async run(model: CondModel, real: Real): Promise<void> {
    const controller = this.mode === 'none' ? undefined : real.signals.controller()
    if (this.mode === 'aborted') controller?.abort(new Error('aborted before waiting'))
    const options = controller && { signal: controller.signal }
    const counts = { evaluations: 0 }
    const target = this.target
    const op = new Op(target === undefined ? 'wait()' : `waitFor(>= ${target})`, () =>
      target === undefined
        ? real.cond.wait(options)
        : waitFor(
            real.cond,
            () => {
              counts.evaluations++
              return real.counter >= target
            },
            options,
          ),
    )
    const waiter: ModelWaiter = { op, target, evaluations: 0, real: counts, controller, settled: false }
    if (controller?.signal.aborted) {
      waiter.settled = true
      op.rejectWith(same(controller.signal.reason))
      model.all.push(waiter)
      return
    }
    model.add(waiter)
  }
  toString = () => `${this.target === undefined ? 'wait' : `waitFor(${this.target})`}(${this.mode})`
}

class Wake implements Command {
  constructor(readonly how: 'signal' | 'broadcast') {}
  check = () => true
  async run(model: CondModel, real: Real): Promise<void> {
    real.cond[this.how]()
    model[this.how]()
  }
  toString = () => `${this.how}()`
}

class Count implements Command {
  constructor(readonly by: number) {}
  check = () => true
  async run(model: CondModel, real: Real): Promise<void> {
    real.counter += this.by
    model.counter += this.by
  }
  toString = () => `counter += ${this.by}`
}

class Abort implements Command {
  constructor(readonly index: number) {}
  check = () => true
  async run(model: CondModel): Promise<void> {
    const live = model.queue.filter((w) => w.controller !== undefined)
    if (live.length === 0) return
    const target = live[this.index % live.length] as ModelWaiter
    const reason = new Error('aborted while waiting')
    target.controller?.abort(reason)
    model.abort(target, reason)
  }
  toString = () => `abort(${this.index})`
}

function compare(model: CondModel, real: Real): void {
  for (const waiter of model.all) {
    waiter.op.verify()
    expect(waiter.real.evaluations, `${waiter.op.label}: predicate runs`).toBe(waiter.evaluations)
  }
  expect(real.cond.waiting, 'waiting').toBe(model.queue.length)
  expect(real.signals.live, 'a listener per waiter with a signal').toBe(
    model.queue.filter((w) => w.controller !== undefined).length,
  )
}

const commands = fc.commands<CondModel, Real>(
  weighted<Command>(
    [6, fc.constantFrom('none', 'signal', 'aborted').map((m) => new Wait(undefined, m as Wait['mode']))],
    [
      6,
      fc
        .tuple(fc.integer({ min: 0, max: 4 }), fc.constantFrom('none', 'signal', 'aborted'))
        .map(([t, m]) => new Wait(t, m as Wait['mode'])),
    ],
    [4, fc.constantFrom('signal' as const, 'broadcast' as const).map((how) => new Wake(how))],
    [4, fc.constantFrom('signal' as const, 'broadcast' as const).map((how) => new Wake(how))],
    [3, fc.integer({ min: 1, max: 2 }).map((by) => new Count(by))],
    [2, fc.nat().map((i) => new Abort(i))],
  ),
  COMMANDS,
)

describe('Cond and waitFor against their reference model', () => {
  it(`agree on who wakes, in which order, and how often predicates run (${runs(50)} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(commands, async (cmds) => {
        const model = new CondModel()
        const real: Real = { cond: new Cond(), signals: new Signals(), counter: 0 }
        await fc.asyncModelRun(
          () => ({ model, real }),
          (function* () {
            for (const cmd of cmds) {
              yield {
                check: (m: Readonly<CondModel>) => cmd.check(m),
                run: async (m: CondModel, r: Real) => {
                  await cmd.run(m, r)
                  await settle()
                  compare(m, r)
                },
                toString: () => cmd.toString(),
              }
            }
          })(),
        )
        // Raise the counter past every target and broadcast until nobody waits.
        real.counter = model.counter = 100
        for (let i = 0; i < 3 && model.queue.length > 0; i++) {
          real.cond.broadcast()
          model.broadcast()
          await settle()
        }
        compare(model, real)
        expect(model.all.every((w) => w.settled)).toBe(true)
        expect(real.signals.live).toBe(0)
      }),
      { numRuns: runs(50) },
    )
  })
})
