import { isBigbuffError } from '@bigbuff/core'
import {
  Op as Call,
  CLOSED,
  ready as isReady,
  ModelChan,
  type ModelWaiter,
  parkModelWaiter,
  same,
  unpark,
  verifyAll,
} from '@bigbuff/test-utils'
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

/** An abortable operation's controller, and its waiter once it parks in the model. */
interface Controlled {
  readonly controller: AbortController
  waiter: ModelWaiter | undefined
}

async function run(capacities: readonly number[], commands: readonly Command[]): Promise<void> {
  const chans = capacities.map((capacity) => new Chan<number>(capacity))
  const model = capacities.map((capacity) => new ModelChan(capacity))
  const actual = new Map<number, Outcome>()
  const settling: Promise<void>[] = []
  const calls: Call[] = []
  const controllers: Controlled[] = []
  const sends = capacities.map((): SendRecord[] => [])
  const receives = capacities.map((): ReceiveRecord[] => [])
  let nextValue = 0

  const optionsFor = (abortable: boolean) => {
    if (!abortable) return { options: undefined, controlled: undefined }
    const controlled: Controlled = { controller: new AbortController(), waiter: undefined }
    controllers.push(controlled)
    return { options: { signal: controlled.controller.signal }, controlled }
  }
  /** Records an asynchronous operation: its outcome for the invariants, and the call for the model. */
  const record = (op: number, label: string, promise: Promise<unknown>, map: (value: unknown) => Outcome) => {
    settling.push(settle(promise, actual, op, map))
    const call = new Call(label, () => promise)
    calls.push(call)
    return call
  }
  const chanOf = (c: number) => model[c] as ModelChan
  const canSend = (c: number) => isReady(chanOf(c), 'send')
  const canReceive = (c: number) => isReady(chanOf(c), 'receive')

  for (const [op, command] of commands.entries()) {
    switch (command.type) {
      case 'send': {
        const value = nextValue++
        sends[command.chan]?.push({ op, index: 0, value })
        const { options, controlled } = optionsFor(command.abortable)
        const promise = (chans[command.chan] as Chan<number>).send(value, options)
        const call = record(op, `send(${value})`, promise, () => ({ kind: 'sent' }))
        const chan = chanOf(command.chan)
        if (chan.closed) call.rejectWith(CLOSED)
        else if (chan.sendReady) {
          chan.sendNow(value)
          call.resolveWith(undefined)
        } else {
          const waiter = parkModelWaiter(call, 'plain', [{ chan, side: 'send', index: 0, value }])
          if (controlled) controlled.waiter = waiter
        }
        break
      }
      case 'receive': {
        receives[command.chan]?.push({ op, index: 0 })
        const { options, controlled } = optionsFor(command.abortable)
        const promise = (chans[command.chan] as Chan<number>).receive(options)
        const call = record(op, 'receive()', promise, (value) => ({
          kind: 'received',
          value: value as number,
        }))
        const chan = chanOf(command.chan)
        if (chan.hasValue) call.resolveWith(chan.receiveNow())
        else if (chan.closed) call.rejectWith(CLOSED)
        else {
          const waiter = parkModelWaiter(call, 'plain', [
            { chan, side: 'receive', index: 0, value: undefined },
          ])
          if (controlled) controlled.waiter = waiter
        }
        break
      }
      case 'trySend': {
        const value = nextValue++
        sends[command.chan]?.push({ op, index: 0, value })
        const expected = chanOf(command.chan).closed ? 'closed' : String(canSend(command.chan))
        let result: string
        try {
          result = String((chans[command.chan] as Chan<number>).trySend(value))
        } catch (error) {
          expect(isBigbuffError(error, 'ERR_BIGBUFF_CLOSED')).toBe(true)
          result = 'closed'
        }
        expect(result).toBe(expected)
        if (expected === 'true') chanOf(command.chan).sendNow(value)
        actual.set(op, result === 'true' ? { kind: 'sent' } : { kind: 'closed' })
        break
      }
      case 'tryReceive': {
        receives[command.chan]?.push({ op, index: 0 })
        const result = (chans[command.chan] as Chan<number>).tryReceive()
        const chan = chanOf(command.chan)
        if (chan.hasValue) {
          expect(result).toEqual({ state: 'ok', value: chan.receiveNow() })
          actual.set(op, { kind: 'received', value: (result as { value: number }).value })
        } else {
          expect(result).toEqual({ state: chan.closed ? 'closed' : 'empty' })
          actual.set(op, { kind: 'closed' })
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
          (send ? canSend(chan) : canReceive(chan)) ? [index] : [],
        )
        if (ready.length === 0) {
          const { options, controlled } = optionsFor(command.abortable)
          const promise = select(cases, options)
          const call = record(
            op,
            'select()',
            promise,
            (result) => ({ kind: 'selected', ...(result as object) }) as Outcome,
          )
          const waiter = parkModelWaiter(
            call,
            'select',
            command.cases.map(({ send, chan }, index) => ({
              chan: chanOf(chan),
              side: send ? 'send' : 'receive',
              index,
              value: values[index],
            })),
          )
          if (controlled) controlled.waiter = waiter
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
            ready.some((i) => command.cases[i]?.send && chanOf(command.cases[i]?.chan ?? -1).closed),
          ).toBe(true)
          actual.set(op, { kind: 'closed' })
          break
        }
        expect(ready).toContain(result?.index)
        const index = result?.index as number
        const { send, chan } = command.cases[index] as CaseSpec
        let expected: Outcome
        if (send) {
          expect(chanOf(chan).closed).toBe(false)
          chanOf(chan).sendNow(values[index] as number)
          expected = { kind: 'selected', index, value: undefined, ok: true }
        } else if (chanOf(chan).hasValue) {
          expected = { kind: 'selected', index, value: chanOf(chan).receiveNow() as number, ok: true }
        } else {
          expected = { kind: 'selected', index, value: undefined, ok: false }
        }
        expect({ kind: 'selected', ...result }).toEqual(expected)
        actual.set(op, expected)
        break
      }
      case 'close':
        ;(chans[command.chan] as Chan<number>).close()
        chanOf(command.chan).close()
        break
      case 'abort': {
        const target = controllers[command.pick % Math.max(controllers.length, 1)]
        if (target === undefined) break
        target.controller.abort(ABORTED)
        const waiter = target.waiter
        if (waiter !== undefined && !waiter.settled) {
          unpark(waiter)
          waiter.op.rejectWith(same(ABORTED))
        }
        break
      }
      case 'flush':
        for (let i = 0; i < 3; i++) await Promise.resolve()
        break
    }
    chans.forEach((chan, c) => {
      expect(chan.size).toBe(chanOf(c).buffer.length)
    })
  }

  // Close everything so every waiting operation settles.
  chans.forEach((chan, c) => {
    chan.close()
    chanOf(c).close()
  })
  await Promise.all(settling)
  // Every operation settled as the model says.
  for (const call of calls) expect(call.settledByModel, `the model settles ${call.label}`).toBe(true)
  verifyAll(calls)

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
