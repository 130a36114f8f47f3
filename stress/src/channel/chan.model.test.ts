import {
  Chan,
  receiveCase,
  type SelectCase,
  type SelectResult,
  select,
  sendCase,
  trySelect,
} from '@bigbuff/channel'
import { isBigbuffError } from '@bigbuff/core'
import {
  CLOSED,
  type ModelCase,
  ModelChan,
  type ModelWaiter,
  Op,
  ready,
  same,
  unpark,
} from '@bigbuff/test-utils'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { COMMANDS, runs, weighted } from '../support/profile.js'
import { settle } from '../support/settle.js'
import { Signals } from '../support/signals.js'

interface World {
  readonly chans: ModelChan[]
  readonly waiters: ModelWaiter[]
}

interface Real {
  readonly chans: Chan<unknown>[]
  readonly ops: Op[]
  readonly abortable: { waiter: ModelWaiter; controller: AbortController }[]
  readonly signals: Signals
}

type Command = fc.AsyncCommand<World, Real>
type SignalMode = 'none' | 'signal' | 'aborted'
const signalMode = fc.constantFrom<SignalMode>('none', 'signal', 'signal', 'aborted')
const value = fc.oneof(fc.nat({ max: 99 }), fc.constantFrom(undefined, null))

function signalFor(real: Real, mode: SignalMode): AbortController | AbortSignal | undefined {
  if (mode === 'none') return undefined
  if (mode === 'aborted') return real.signals.aborted()
  return real.signals.controller()
}

/** Parks a waiter in the model, and remembers its controller so a later command may abort it. */
function park(
  world: World,
  real: Real,
  op: Op,
  kind: ModelWaiter['kind'],
  cases: { chan: ModelChan; side: 'send' | 'receive'; index: number; value: unknown }[],
  controller: AbortController | undefined,
): void {
  const waiter: ModelWaiter = { op, kind, settled: false, parked: cases }
  for (const c of cases) {
    if (c.side === 'send') c.chan.senders.push({ waiter, index: c.index, value: c.value })
    else c.chan.receivers.push({ waiter, index: c.index })
  }
  world.waiters.push(waiter)
  if (controller !== undefined) real.abortable.push({ waiter, controller })
}

class Send implements Command {
  constructor(
    readonly chan: number,
    readonly value: unknown,
    readonly mode: SignalMode,
  ) {}
  check = () => true
  async run(world: World, real: Real): Promise<void> {
    const chan = world.chans[this.chan % world.chans.length] as ModelChan
    const r = real.chans[this.chan % world.chans.length] as Chan<unknown>
    const s = signalFor(real, this.mode)
    const signal = s instanceof AbortController ? s.signal : s
    const op = new Op(`send(${String(this.value)})`, () => r.send(this.value, signal && { signal }))
    real.ops.push(op)
    if (signal?.aborted) op.rejectWith(same(signal.reason))
    else if (chan.closed) op.rejectWith(CLOSED)
    else if (chan.sendReady) {
      chan.sendNow(this.value)
      op.resolveWith(undefined)
    } else {
      const controller = s instanceof AbortController ? s : undefined
      park(world, real, op, 'plain', [{ chan, side: 'send', index: 0, value: this.value }], controller)
    }
  }
  toString = () => `send(${this.chan}, ${String(this.value)}, ${this.mode})`
}

class TrySend implements Command {
  constructor(
    readonly chan: number,
    readonly value: unknown,
  ) {}
  check = () => true
  async run(world: World, real: Real): Promise<void> {
    const chan = world.chans[this.chan % world.chans.length] as ModelChan
    const r = real.chans[this.chan % world.chans.length] as Chan<unknown>
    if (chan.closed) {
      expect(() => r.trySend(this.value)).toThrow(expect.objectContaining({ code: 'ERR_BIGBUFF_CLOSED' }))
      return
    }
    const sent = chan.sendReady
    if (sent) chan.sendNow(this.value)
    expect(r.trySend(this.value)).toBe(sent)
  }
  toString = () => `trySend(${this.chan}, ${String(this.value)})`
}

class Receive implements Command {
  constructor(
    readonly chan: number,
    readonly mode: SignalMode,
    readonly via: 'receive' | 'iterate',
  ) {}
  check = () => true
  async run(world: World, real: Real): Promise<void> {
    const chan = world.chans[this.chan % world.chans.length] as ModelChan
    const r = real.chans[this.chan % world.chans.length] as Chan<unknown>
    const iterate = this.via === 'iterate'
    const s = iterate ? undefined : signalFor(real, this.mode)
    const signal = s instanceof AbortController ? s.signal : s
    const op = new Op(`${this.via}()`, () =>
      iterate ? r[Symbol.asyncIterator]().next() : r.receive(signal && { signal }),
    )
    real.ops.push(op)
    if (signal?.aborted) op.rejectWith(same(signal.reason))
    else if (chan.hasValue) {
      const received = chan.receiveNow()
      op.resolveWith(iterate ? { value: received, done: false } : received)
    } else if (chan.closed) {
      if (iterate) op.resolveWith({ value: undefined, done: true })
      else op.rejectWith(CLOSED)
    } else {
      const controller = s instanceof AbortController ? s : undefined
      park(
        world,
        real,
        op,
        iterate ? 'iterate' : 'plain',
        [{ chan, side: 'receive', index: 0, value: undefined }],
        controller,
      )
    }
  }
  toString = () => `${this.via}(${this.chan}, ${this.mode})`
}

class TryReceive implements Command {
  constructor(readonly chan: number) {}
  check = () => true
  async run(world: World, real: Real): Promise<void> {
    const chan = world.chans[this.chan % world.chans.length] as ModelChan
    const r = real.chans[this.chan % world.chans.length] as Chan<unknown>
    const expected = chan.hasValue
      ? { state: 'ok', value: chan.receiveNow() }
      : { state: chan.closed ? 'closed' : 'empty' }
    expect(r.tryReceive()).toStrictEqual(expected)
  }
  toString = () => `tryReceive(${this.chan})`
}

/** Applies the case the real select chose to the model, after checking it was a ready one. */
function perform(world: World, cases: readonly ModelCase[], result: SelectResult): void {
  const chosen = cases[result.index] as ModelCase
  expect(chosen, `select chose case ${result.index}`).toBeDefined()
  const chan = world.chans[chosen.chan] as ModelChan
  expect(ready(chan, chosen.side), `select chose case ${result.index}, which was not ready`).toBe(true)
  if (chosen.side === 'send') {
    expect(chan.closed).toBe(false)
    chan.sendNow(chosen.value)
    expect(result).toStrictEqual({ index: result.index, value: undefined, ok: true })
  } else if (chan.hasValue) {
    expect(result).toStrictEqual({ index: result.index, value: chan.receiveNow(), ok: true })
  } else {
    expect(result).toStrictEqual({ index: result.index, value: undefined, ok: false })
  }
}

function realCases(world: World, real: Real, cases: readonly ModelCase[]): SelectCase[] {
  return cases.map((c) => {
    const chan = real.chans[c.chan % world.chans.length] as Chan<unknown>
    return c.side === 'send' ? sendCase(chan, c.value) : receiveCase(chan)
  })
}

class Select implements Command {
  constructor(
    readonly cases: readonly ModelCase[],
    readonly mode: SignalMode,
    readonly blocking: boolean,
  ) {}
  check = () => true
  async run(world: World, real: Real): Promise<void> {
    const cases = this.cases.map((c) => ({ ...c, chan: c.chan % world.chans.length }))
    const readyNow = cases.filter((c) => ready(world.chans[c.chan] as ModelChan, c.side))
    if (!this.blocking) {
      if (readyNow.length === 0) {
        expect(trySelect(realCases(world, real, cases))).toBeUndefined()
        return
      }
      let result: SelectResult | undefined
      try {
        result = trySelect(realCases(world, real, cases))
      } catch (error) {
        // Only a send case on a closed channel may be chosen and throw.
        expect(isBigbuffError(error, 'ERR_BIGBUFF_CLOSED'), String(error)).toBe(true)
        expect(readyNow.some((c) => c.side === 'send' && (world.chans[c.chan] as ModelChan).closed)).toBe(
          true,
        )
        return
      }
      perform(world, cases, result as SelectResult)
      return
    }
    const s = signalFor(real, this.mode)
    const signal = s instanceof AbortController ? s.signal : s
    const op = new Op<SelectResult>(`select(${cases.length} cases)`, () =>
      select(realCases(world, real, cases), signal && { signal }),
    )
    real.ops.push(op as Op)
    if (signal?.aborted) return op.rejectWith(same(signal.reason))
    if (readyNow.length > 0) {
      // The choice is random: learn it from the real result, then hold the model to it.
      await settle()
      if (op.state === 'rejected') {
        expect(isBigbuffError(op.reason, 'ERR_BIGBUFF_CLOSED'), String(op.reason)).toBe(true)
        expect(readyNow.some((c) => c.side === 'send' && (world.chans[c.chan] as ModelChan).closed)).toBe(
          true,
        )
        op.rejectWith(CLOSED)
        return
      }
      expect(op.state, 'a select with a ready case settles at once').toBe('fulfilled')
      perform(world, cases, op.value as SelectResult)
      op.resolveWith(op.value)
      return
    }
    if (cases.length === 0 && signal === undefined) return // waits forever, as in Go
    const controller = s instanceof AbortController ? s : undefined
    park(
      world,
      real,
      op as Op,
      'select',
      cases.map((c, index) => ({
        chan: world.chans[c.chan] as ModelChan,
        side: c.side,
        index,
        value: c.value,
      })),
      controller,
    )
  }
  toString = () =>
    `${this.blocking ? 'select' : 'trySelect'}([${this.cases.map((c) => `${c.side}${c.chan}${c.side === 'send' ? `=${String(c.value)}` : ''}`)}], ${this.mode})`
}

class Abort implements Command {
  constructor(readonly index: number) {}
  check = () => true
  async run(_world: World, real: Real): Promise<void> {
    const live = real.abortable.filter((a) => !a.waiter.settled)
    if (live.length === 0) return
    const target = live[this.index % live.length] as (typeof live)[number]
    const reason = new Error('aborted while waiting')
    target.controller.abort(reason)
    unpark(target.waiter)
    target.waiter.op.rejectWith(same(reason))
  }
  toString = () => `abort(${this.index})`
}

class Close implements Command {
  constructor(readonly chan: number) {}
  check = () => true
  async run(world: World, real: Real): Promise<void> {
    const i = this.chan % world.chans.length
    ;(world.chans[i] as ModelChan).close()
    ;(real.chans[i] as Chan<unknown>).close()
  }
  toString = () => `close(${this.chan})`
}

function compare(world: World, real: Real): void {
  for (const op of real.ops) op.verify()
  world.chans.forEach((chan, i) => {
    const r = real.chans[i] as Chan<unknown>
    expect(r.size, `chan ${i}.size`).toBe(chan.buffer.length)
    expect(r.closed).toBe(chan.closed)
  })
  expect(real.signals.live, 'an abort listener for each parked op with a signal, no more').toBe(
    real.abortable.filter((a) => !a.waiter.settled).length,
  )
}

const modelCase = fc.record({
  chan: fc.nat({ max: 1 }),
  side: fc.constantFrom<'send' | 'receive'>('send', 'receive'),
  value,
})

const commands = fc.commands<World, Real>(
  weighted<Command>(
    [10, fc.tuple(fc.nat(), value, signalMode).map(([c, v, m]) => new Send(c, v, m))],
    [4, fc.tuple(fc.nat(), value).map(([c, v]) => new TrySend(c, v))],
    [
      10,
      fc
        .tuple(fc.nat(), signalMode, fc.constantFrom<'receive' | 'iterate'>('receive', 'receive', 'iterate'))
        .map(([c, m, via]) => new Receive(c, m, via)),
    ],
    [3, fc.nat().map((c) => new TryReceive(c))],
    [
      6,
      fc
        .tuple(fc.array(modelCase, { maxLength: 4 }), signalMode, fc.boolean())
        .map(([cases, m, blocking]) => new Select(cases, m, blocking)),
    ],
    [
      6,
      fc
        .tuple(fc.array(modelCase, { minLength: 1, maxLength: 4 }), signalMode)
        .map(([cases, m]) => new Select(cases, m, true)),
    ],
    [3, fc.nat().map((i) => new Abort(i))],
    [1, fc.nat().map((c) => new Close(c))],
  ),
  COMMANDS,
)

const capacity = fc.constantFrom(0, 0, 1, 2, Number.POSITIVE_INFINITY)

describe('Chan, select and trySelect against their reference model', () => {
  it(`agree on every send, receive, choice, close, abort and size (${runs(50)} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(capacity, { minLength: 1, maxLength: 2 }),
        commands,
        async (capacities, cmds) => {
          const world: World = { chans: capacities.map((c) => new ModelChan(c)), waiters: [] }
          const real: Real = {
            chans: capacities.map((c) => new Chan<unknown>(c)),
            ops: [],
            abortable: [],
            signals: new Signals(),
          }
          await fc.asyncModelRun(
            () => ({ model: world, real }),
            (function* () {
              for (const cmd of cmds) {
                yield {
                  check: (m: Readonly<World>) => cmd.check(m),
                  run: async (m: World, r: Real) => {
                    await cmd.run(m, r)
                    await settle()
                    compare(m, r)
                  },
                  toString: () => cmd.toString(),
                }
              }
            })(),
          )
          // Closing every channel settles every parked operation: no op is left hanging.
          for (const [i, chan] of world.chans.entries()) {
            chan.close()
            ;(real.chans[i] as Chan<unknown>).close()
          }
          await settle()
          compare(world, real)
          // Only a select([]) can still wait: it waits until aborted.
          const hanging = world.waiters.filter((w) => !w.settled)
          expect(hanging.every((w) => w.parked.length === 0)).toBe(true)
          for (const { waiter, controller } of real.abortable) {
            if (waiter.settled) continue
            const reason = new Error('aborted at the end')
            controller.abort(reason)
            unpark(waiter)
            waiter.op.rejectWith(same(reason))
          }
          await settle()
          compare(world, real)
          expect(real.signals.live).toBe(0)
        },
      ),
      { numRuns: runs(50) },
    )
  })
})
