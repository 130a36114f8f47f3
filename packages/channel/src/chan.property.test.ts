import { isBigbuffError } from '@bigbuff/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Chan } from './chan.js'
import { receiveCase, type SelectCase, select, sendCase, trySelect } from './select.js'

/**
 * Random schedules of send / receive / select / close / abort over a few channels, checked against
 * a queue model of Go's channel semantics (outcome of every operation) and against two invariants
 * that need no model: per channel, values come out in the order their sends were called (FIFO), and
 * exactly the values of successful sends come out (nothing lost or duplicated).
 */

type Outcome =
  | { readonly kind: 'sent' }
  | { readonly kind: 'received'; readonly value: number }
  | {
      readonly kind: 'selected'
      readonly index: number
      readonly value: number | undefined
      readonly ok: boolean
    }
  | { readonly kind: 'closed' }
  | { readonly kind: 'aborted' }

interface CaseSpec {
  readonly send: boolean
  readonly chan: number
}

type Command =
  | { readonly type: 'send'; readonly chan: number; readonly abortable: boolean }
  | { readonly type: 'receive'; readonly chan: number; readonly abortable: boolean }
  | { readonly type: 'trySend'; readonly chan: number }
  | { readonly type: 'tryReceive'; readonly chan: number }
  | { readonly type: 'select'; readonly cases: readonly CaseSpec[]; readonly abortable: boolean }
  | { readonly type: 'close'; readonly chan: number }
  | { readonly type: 'abort'; readonly pick: number }
  | { readonly type: 'flush' }

/** One parked party in the model: case `index` of operation `op` (0 for a plain send or receive). */
interface ModelWaiter {
  readonly op: number
  readonly index: number
  readonly send: boolean
  readonly value: number | undefined
}

interface ModelChan {
  readonly capacity: number
  readonly buffer: number[]
  readonly senders: ModelWaiter[]
  readonly receivers: ModelWaiter[]
  closed: boolean
}

/** Go's channel semantics, written as plainly as possible with arrays. */
class Model {
  readonly chans: ModelChan[]
  readonly outcomes = new Map<number, Outcome>()
  readonly #parked = new Map<number, { waiters: ModelWaiter[]; select: boolean }>()

  constructor(capacities: readonly number[]) {
    this.chans = capacities.map((capacity) => ({
      capacity,
      buffer: [],
      senders: [],
      receivers: [],
      closed: false,
    }))
  }

  chan(c: number): ModelChan {
    return this.chans[c] as ModelChan
  }

  hasValue(c: number): boolean {
    return this.chan(c).buffer.length > 0 || this.chan(c).senders.length > 0
  }

  canSend(c: number): boolean {
    const chan = this.chan(c)
    return chan.closed || chan.receivers.length > 0 || chan.buffer.length < chan.capacity
  }

  canReceive(c: number): boolean {
    return this.chan(c).closed || this.hasValue(c)
  }

  /** Precondition: open and canSend. */
  sendNow(c: number, value: number): void {
    const receiver = this.chan(c).receivers.shift()
    if (receiver) this.#decide(receiver, value, true)
    else this.chan(c).buffer.push(value)
  }

  /** Precondition: hasValue. */
  receiveNow(c: number): number {
    const chan = this.chan(c)
    const sender = chan.senders.shift()
    let value: number
    if (chan.buffer.length > 0) {
      value = chan.buffer.shift() as number
      if (sender) chan.buffer.push(sender.value as number)
    } else {
      value = (sender as ModelWaiter).value as number
    }
    if (sender) this.#decide(sender, undefined, true)
    return value
  }

  park(
    op: number,
    specs: readonly CaseSpec[],
    values: readonly (number | undefined)[],
    select: boolean,
  ): void {
    const waiters = specs.map(({ chan, send }, index) => {
      const waiter: ModelWaiter = { op, index, send, value: values[index] }
      ;(send ? this.chan(chan).senders : this.chan(chan).receivers).push(waiter)
      return waiter
    })
    this.#parked.set(op, { waiters, select })
  }

  close(c: number): void {
    const chan = this.chan(c)
    if (chan.closed) return
    chan.closed = true
    for (const receiver of chan.receivers.splice(0)) this.#decide(receiver, undefined, false)
    for (const sender of chan.senders.splice(0)) this.#decide(sender, undefined, false)
  }

  abort(op: number): void {
    if (!this.#parked.has(op)) return
    this.#withdraw(op)
    this.outcomes.set(op, { kind: 'aborted' })
  }

  /** A parked waiter was matched (`ok`) or its channel closed; the rest of its operation withdraws. */
  #decide(waiter: ModelWaiter, value: number | undefined, ok: boolean): void {
    const parked = this.#parked.get(waiter.op)
    if (parked === undefined) return
    this.#withdraw(waiter.op)
    let outcome: Outcome
    if (!ok && (waiter.send || !parked.select)) outcome = { kind: 'closed' }
    else if (parked.select) outcome = { kind: 'selected', index: waiter.index, value, ok }
    else outcome = waiter.send ? { kind: 'sent' } : { kind: 'received', value: value as number }
    this.outcomes.set(waiter.op, outcome)
  }

  #withdraw(op: number): void {
    for (const waiter of this.#parked.get(op)?.waiters ?? []) {
      for (const chan of this.chans) {
        for (const queue of [chan.senders, chan.receivers]) {
          const at = queue.indexOf(waiter)
          if (at >= 0) queue.splice(at, 1)
        }
      }
    }
    this.#parked.delete(op)
  }
}

const ABORTED = new Error('aborted by the schedule')

function commandArb(chans: number): fc.Arbitrary<Command> {
  const chan = fc.nat({ max: chans - 1 })
  return fc.oneof(
    fc.record({ type: fc.constant('send' as const), chan, abortable: fc.boolean() }),
    fc.record({ type: fc.constant('receive' as const), chan, abortable: fc.boolean() }),
    fc.record({ type: fc.constant('trySend' as const), chan }),
    fc.record({ type: fc.constant('tryReceive' as const), chan }),
    fc.record({
      type: fc.constant('select' as const),
      cases: fc.array(fc.record({ send: fc.boolean(), chan }), { minLength: 1, maxLength: 3 }),
      abortable: fc.boolean(),
    }),
    { arbitrary: fc.record({ type: fc.constant('close' as const), chan }), weight: 1 },
    fc.record({ type: fc.constant('abort' as const), pick: fc.nat() }),
    fc.record({ type: fc.constant('flush' as const) }),
  )
}

const capacityArb = fc.constantFrom(0, 0, 1, 2, Number.POSITIVE_INFINITY)

/** A value sent on a channel: by operation `op`, its case `index` (0 for a plain send). */
interface SendRecord {
  readonly op: number
  readonly index: number
  readonly value: number
}

/** A receive on a channel: by operation `op`, its case `index` (0 for a plain receive). */
interface ReceiveRecord {
  readonly op: number
  readonly index: number
}

async function run(capacities: readonly number[], commands: readonly Command[]): Promise<void> {
  const chans = capacities.map((capacity) => new Chan<number>(capacity))
  const model = new Model(capacities)
  const actual = new Map<number, Outcome>()
  const settling: Promise<void>[] = []
  const controllers: { op: number; controller: AbortController }[] = []
  const sends = capacities.map((): SendRecord[] => [])
  const receives = capacities.map((): ReceiveRecord[] => [])
  let nextValue = 0

  const optionsFor = (op: number, abortable: boolean): { signal: AbortSignal } | undefined => {
    if (!abortable) return undefined
    const controller = new AbortController()
    controllers.push({ op, controller })
    return { signal: controller.signal }
  }
  const both = (op: number, outcome: Outcome): void => {
    actual.set(op, outcome)
    model.outcomes.set(op, outcome)
  }

  for (const [op, command] of commands.entries()) {
    switch (command.type) {
      case 'send': {
        const value = nextValue++
        sends[command.chan]?.push({ op, index: 0, value })
        const promise = (chans[command.chan] as Chan<number>).send(value, optionsFor(op, command.abortable))
        settling.push(settle(promise, actual, op, () => ({ kind: 'sent' })))
        if (model.chan(command.chan).closed) model.outcomes.set(op, { kind: 'closed' })
        else if (model.canSend(command.chan)) {
          model.sendNow(command.chan, value)
          model.outcomes.set(op, { kind: 'sent' })
        } else model.park(op, [{ chan: command.chan, send: true }], [value], false)
        break
      }
      case 'receive': {
        receives[command.chan]?.push({ op, index: 0 })
        const promise = (chans[command.chan] as Chan<number>).receive(optionsFor(op, command.abortable))
        settling.push(settle(promise, actual, op, (value) => ({ kind: 'received', value: value as number })))
        if (model.hasValue(command.chan))
          model.outcomes.set(op, { kind: 'received', value: model.receiveNow(command.chan) })
        else if (model.chan(command.chan).closed) model.outcomes.set(op, { kind: 'closed' })
        else model.park(op, [{ chan: command.chan, send: false }], [undefined], false)
        break
      }
      case 'trySend': {
        const value = nextValue++
        sends[command.chan]?.push({ op, index: 0, value })
        const expected = model.chan(command.chan).closed ? 'closed' : String(model.canSend(command.chan))
        let result: string
        try {
          result = String((chans[command.chan] as Chan<number>).trySend(value))
        } catch (error) {
          expect(isBigbuffError(error, 'ERR_BIGBUFF_CLOSED')).toBe(true)
          result = 'closed'
        }
        expect(result).toBe(expected)
        if (expected === 'true') model.sendNow(command.chan, value)
        both(op, result === 'true' ? { kind: 'sent' } : { kind: 'closed' })
        break
      }
      case 'tryReceive': {
        receives[command.chan]?.push({ op, index: 0 })
        const result = (chans[command.chan] as Chan<number>).tryReceive()
        if (model.hasValue(command.chan)) {
          expect(result).toEqual({ state: 'ok', value: model.receiveNow(command.chan) })
          both(op, { kind: 'received', value: (result as { value: number }).value })
        } else {
          expect(result).toEqual({ state: model.chan(command.chan).closed ? 'closed' : 'empty' })
          both(op, { kind: 'closed' })
        }
        break
      }
      case 'select': {
        const values = command.cases.map(({ send, chan }, index) => {
          if (!send) {
            receives[chan]?.push({ op, index })
            return undefined
          }
          const value = nextValue++
          sends[chan]?.push({ op, index, value })
          return value
        })
        const cases: SelectCase[] = command.cases.map(({ chan, send }, index) =>
          send
            ? sendCase(chans[chan] as Chan<number>, values[index])
            : receiveCase(chans[chan] as Chan<number>),
        )
        const ready = command.cases.flatMap(({ send, chan }, index) =>
          (send ? model.canSend(chan) : model.canReceive(chan)) ? [index] : [],
        )
        if (ready.length === 0) {
          const promise = select(cases, optionsFor(op, command.abortable))
          settling.push(
            settle(promise, actual, op, (result) => ({ kind: 'selected', ...(result as object) }) as Outcome),
          )
          model.park(op, command.cases, values, true)
          break
        }
        // The choice among ready cases is random: check the implementation's, then apply it to the model.
        let result: ReturnType<typeof trySelect> | 'closed'
        try {
          result = trySelect(cases)
        } catch (error) {
          expect(isBigbuffError(error, 'ERR_BIGBUFF_CLOSED')).toBe(true)
          result = 'closed'
        }
        if (result === 'closed') {
          expect(
            ready.some((i) => command.cases[i]?.send && model.chan(command.cases[i]?.chan ?? -1).closed),
          ).toBe(true)
          both(op, { kind: 'closed' })
          break
        }
        expect(ready).toContain(result?.index)
        const index = result?.index as number
        const { send, chan } = command.cases[index] as CaseSpec
        let expected: Outcome
        if (send) {
          expect(model.chan(chan).closed).toBe(false)
          model.sendNow(chan, values[index] as number)
          expected = { kind: 'selected', index, value: undefined, ok: true }
        } else if (model.hasValue(chan)) {
          expected = { kind: 'selected', index, value: model.receiveNow(chan), ok: true }
        } else {
          expected = { kind: 'selected', index, value: undefined, ok: false }
        }
        expect({ kind: 'selected', ...result }).toEqual(expected)
        both(op, expected)
        break
      }
      case 'close':
        ;(chans[command.chan] as Chan<number>).close()
        model.close(command.chan)
        break
      case 'abort': {
        const target = controllers[command.pick % Math.max(controllers.length, 1)]
        if (target === undefined) break
        target.controller.abort(ABORTED)
        model.abort(target.op)
        break
      }
      case 'flush':
        for (let i = 0; i < 3; i++) await Promise.resolve()
        break
    }
    chans.forEach((chan, c) => {
      expect(chan.size).toBe(model.chan(c).buffer.length)
    })
  }

  // Close everything so every waiting operation settles.
  chans.forEach((chan, c) => {
    chan.close()
    model.close(c)
  })
  await Promise.all(settling)
  expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(model.outcomes))

  // Model-free invariants: per channel, what came out (in receive-call order, then the drained
  // buffer) is exactly what successful sends put in, in send-call order.
  chans.forEach((chan, c) => {
    const out: number[] = []
    for (const { op, index } of receives[c] ?? []) {
      const outcome = actual.get(op)
      if (outcome?.kind === 'received') out.push(outcome.value)
      if (outcome?.kind === 'selected' && outcome.ok && outcome.index === index)
        out.push(outcome.value as number)
    }
    for (let result = chan.tryReceive(); result.state === 'ok'; result = chan.tryReceive())
      out.push(result.value)
    const sent = (sends[c] ?? []).filter(({ op, index }) => {
      const outcome = actual.get(op)
      return outcome?.kind === 'sent' || (outcome?.kind === 'selected' && outcome.index === index)
    })
    expect(out).toEqual(sent.map(({ value }) => value))
  })
}

/** Records how an operation's promise settled, as an outcome like the model's. */
function settle(
  promise: Promise<unknown>,
  actual: Map<number, Outcome>,
  op: number,
  map: (value: unknown) => Outcome,
): Promise<void> {
  return promise.then(
    (value) => void actual.set(op, map(value)),
    (error: unknown) => {
      if (error === ABORTED) actual.set(op, { kind: 'aborted' })
      else if (isBigbuffError(error, 'ERR_BIGBUFF_CLOSED')) actual.set(op, { kind: 'closed' })
      else throw error
    },
  )
}

describe('Chan under random schedules', () => {
  it('matches a queue model of Go channels: FIFO per channel, nothing lost or duplicated, senders rejected at close', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .array(capacityArb, { minLength: 1, maxLength: 3 })
          .chain((capacities) =>
            fc.tuple(fc.constant(capacities), fc.array(commandArb(capacities.length), { maxLength: 40 })),
          ),
        async ([capacities, commands]) => {
          await run(capacities, commands)
        },
      ),
      { numRuns: 200 },
    )
  })
})
