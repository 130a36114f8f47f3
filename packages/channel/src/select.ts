import type { SignalOptions } from '@bigbuff/core'
import { brandOf, invalid, noop, refuse, resolveSoon } from '@bigbuff/internal'
import type { Chan } from './chan.js'
import { accessOf, chanAccess } from './internal/chan-access.js'
import { SelectWaiter } from './internal/select-waiter.js'
import { sendClosed } from './internal/waiters.js'

declare const received: unique symbol
declare const sent: unique symbol

/**
 * A {@link select} case that receives a `T`, made by {@link receiveCase}. Opaque: it carries `T` in
 * its type only, holds no state and can be reused across selects.
 */
export interface ReceiveCase<T> {
  /** Which operation the case performs. */
  readonly kind: 'receive'
  /** Type-level only: never present at run time. */
  readonly [received]?: T
}

/**
 * A {@link select} case that sends a `T`, made by {@link sendCase}. Opaque: it carries `T` in its
 * type only, holds no state and can be reused across selects.
 */
export interface SendCase<T> {
  /** Which operation the case performs. */
  readonly kind: 'send'
  /** Type-level only: never present at run time. */
  readonly [sent]?: T
}

/** Any case of a {@link select}. */
// biome-ignore lint/suspicious/noExplicitAny: a case of any value type; `unknown` would refuse ReceiveCase<number>
export type SelectCase = ReceiveCase<any> | SendCase<any>

/**
 * What a receive case at position `I` gives: the value with `ok: true`, or `undefined` with
 * `ok: false` when its channel is closed and drained (Go's `v, ok := <-ch`). Check `ok` to get `T`.
 */
export type ReceivedResult<T, I extends number = number> =
  | {
      /** The position of the case in the array given to `select`. */
      readonly index: I
      /** The value received. */
      readonly value: T
      /** A value was received. */
      readonly ok: true
    }
  | {
      /** The position of the case in the array given to `select`. */
      readonly index: I
      /** Nothing: the channel is closed and drained. */
      readonly value: undefined
      /** The channel is closed and drained. */
      readonly ok: false
    }

/** What a send case at position `I` gives. */
export type SentResult<I extends number = number> = {
  /** The position of the case in the array given to `select`. */
  readonly index: I
  /** Always `undefined`: a send case delivers its value and receives nothing. */
  readonly value: undefined
  /** Always `true`: the value was sent. */
  readonly ok: true
}

/** `any` (the untyped `SelectCase`) becomes `unknown`. */
export type Known<T> = 0 extends 1 & T ? unknown : T

/** The result of case `C` at position `I`. */
export type CaseResult<C, I extends number> =
  C extends ReceiveCase<infer T>
    ? ReceivedResult<Known<T>, I>
    : C extends SendCase<unknown>
      ? SentResult<I>
      : never

/** The numeric position of a tuple key (`'0'` → `0`); `never` for other keys. */
export type Position<K> = K extends `${infer N extends number}` ? N : never

/**
 * The case a {@link select} performed, as a union over the case positions: narrowing on `index`
 * types `value` (`T` for a receive case once `ok` is checked, `undefined` for a send case). For an
 * array whose length is not known, `index` is a `number`. `SelectResult` without arguments is the
 * untyped form (`value: unknown`).
 * @example
 * ```ts
 * const result = await select([receiveCase(numbers), sendCase(names, 'x')])
 * if (result.index === 0 && result.ok) result.value // number
 * ```
 */
export type SelectResult<C extends readonly SelectCase[] = readonly SelectCase[]> = number extends C['length']
  ? CaseResult<C[number], number>
  : { [K in keyof C]: CaseResult<C[K], Position<K>> }[number]

/** What the implementation produces; typed per position at the public boundary. */
export interface PerformedCase {
  readonly index: number
  readonly value: unknown
  readonly ok: boolean
}

/**
 * The brand of a case made by `receiveCase`/`sendCase` of any copy of this package (its ESM and CJS
 * builds loaded together), so `select` accepts those and refuses a hand-made `{ kind, chan }`.
 */
const CASE_BRAND: unique symbol = Symbol.for('@bigbuff/channel/case')

/**
 * The concrete case; every `SelectCase` the package accepts is one of these.
 *
 * The brand is an own property set by the constructor, not a `[CASE_BRAND]` getter: a computed
 * member key makes the build wrap the class for tree-shaking and set its `name` again, and cases
 * of a class so redefined made every `select()` about three times slower in V8 (60 ns instead of
 * 18 ns to check and scan four cases).
 */
export class ChanCase {
  readonly kind: 'receive' | 'send'
  readonly chan: Chan<unknown>
  readonly value: unknown

  constructor(kind: 'receive' | 'send', chan: Chan<unknown>, value: unknown) {
    this.kind = kind
    this.chan = chan
    this.value = value
    // Marks cases of every copy of this package.
    ;(this as { [CASE_BRAND]?: true })[CASE_BRAND] = true
  }
}

/**
 * A select case that receives from `chan`.
 * @param chan - the channel to receive from.
 * @returns the case; its result's `value` is the value received, or `undefined` with `ok: false`
 *   when the channel is closed and drained.
 * @throws TypeError when `chan` is not a `Chan`.
 * @example
 * ```ts
 * const { index, value } = await select([receiveCase(jobs), receiveCase(quit)])
 * ```
 */
export function receiveCase<T>(chan: Chan<T>): ReceiveCase<T> {
  assertChan(chan, 'create receive case')
  return new ChanCase('receive', chan, undefined) as ReceiveCase<T>
}

/**
 * A select case that sends `value` to `chan`.
 * @param chan - the channel to send to.
 * @param value - the value to send, `undefined` included.
 * @returns the case; its result is `{ index, value: undefined, ok: true }`.
 * @throws TypeError when `chan` is not a `Chan`.
 * @example
 * ```ts
 * await select([sendCase(out, result), receiveCase(quit)])
 * ```
 */
export function sendCase<T>(chan: Chan<T>, value: T): SendCase<T> {
  assertChan(chan, 'create send case')
  return new ChanCase('send', chan, value) as SendCase<T>
}

/**
 * Waits until one of the cases can proceed and performs exactly that one (Go's `select`).
 *
 * - Among cases ready at the same time, one is chosen uniformly at random.
 * - A receive case on a closed, drained channel is ready, with `{ value: undefined, ok: false }`.
 * - A send case on a closed channel is ready too; if it is chosen, `select` rejects `ClosedError`.
 * - While waiting, the select queues on every channel like a plain send or receive, in arrival
 *   order; the first counterpart to arrive decides the case, and every other case is withdrawn.
 * - Abort rejects with `signal.reason` and leaves every channel untouched. `select([])` waits until
 *   aborted.
 * @param cases - cases made by {@link receiveCase} and {@link sendCase}.
 * @param options - `signal` aborts the wait.
 * @returns which case was performed and what it received.
 * @throws (rejects) ClosedError when the chosen case sends on a closed channel; `signal.reason` on
 *   abort; TypeError when `cases` is not an array of cases or options are bad.
 * @example
 * ```ts
 * const result = await select([receiveCase(jobs), sendCase(results, last)], { signal })
 * if (result.index === 0 && result.ok) handle(result.value)
 * ```
 */
export function select<const C extends readonly SelectCase[]>(
  cases: C,
  options?: SignalOptions,
): Promise<SelectResult<C>> {
  return selectAny(cases, options) as Promise<SelectResult<C>>
}

function selectAny(cases: readonly SelectCase[], options: SignalOptions | undefined): Promise<PerformedCase> {
  try {
    assertCases(cases, 'select')
  } catch (error) {
    return Promise.reject(error)
  }
  const refused = refuse(options, 'select')
  if (refused !== undefined) return refused
  const signal = options?.signal
  const index = pickReady(cases)
  if (index >= 0) {
    let result: PerformedCase
    try {
      result = perform(cases[index] as ChanCase, index)
    } catch (error) {
      return Promise.reject(error)
    }
    return resolveSoon(result)
  }
  // select([]) without a signal waits forever, as in Go.
  if (cases.length === 0 && signal === undefined) return new Promise<PerformedCase>(noop)
  return waitToSelect(cases, signal)
}

// Kept apart so the fast path of select() allocates no closure context.
function waitToSelect(cases: readonly ChanCase[], signal: AbortSignal | undefined): Promise<PerformedCase> {
  return new Promise<PerformedCase>((resolve, reject) => {
    new SelectWaiter(cases, resolve, reject, signal)
  })
}

/**
 * Performs one ready case without waiting (Go's `select` with a `default` branch).
 * @param cases - cases made by {@link receiveCase} and {@link sendCase}.
 * @returns the performed case, or `undefined` when no case is ready.
 * @throws ClosedError when the chosen case sends on a closed channel; TypeError when `cases` is not
 *   an array of cases.
 * @example
 * ```ts
 * const result = trySelect([receiveCase(events)])
 * if (result === undefined) console.log('nothing yet')
 * ```
 */
export function trySelect<const C extends readonly SelectCase[]>(cases: C): SelectResult<C> | undefined {
  assertCases(cases, 'try select')
  const index = pickReady(cases)
  return index < 0 ? undefined : (perform(cases[index] as ChanCase, index) as SelectResult<C>)
}

/** Picks one ready case uniformly at random (reservoir sampling, no allocation); -1 when none is. */
function pickReady(cases: readonly SelectCase[]): number {
  let chosen = -1
  let ready = 0
  for (let i = 0; i < cases.length; i++) {
    const { kind, chan } = cases[i] as ChanCase
    const access = chanAccess(chan)
    if (!(kind === 'receive' ? access.canReceive(chan) : access.canSend(chan))) continue
    ready++
    if (ready === 1 || Math.random() * ready < 1) chosen = i
  }
  return chosen
}

/** Precondition: the case is ready. */
function perform({ kind, chan, value }: ChanCase, index: number): PerformedCase {
  const access = chanAccess(chan)
  if (kind === 'receive') {
    if (!access.hasValue(chan)) return { index, value: undefined, ok: false }
    return { index, value: access.receiveNow(chan), ok: true }
  }
  if (chan.closed) throw sendClosed()
  access.sendNow(chan, value)
  return { index, value: undefined, ok: true }
}

// Brand checks, not instanceof: a Chan or case made by the other build (ESM or CJS) of this
// package, loaded in the same program, is accepted too.
function assertChan(chan: unknown, action: string): asserts chan is Chan<unknown> {
  if (accessOf(chan) === undefined) throw new TypeError(invalid(action, 'chan must be a Chan', chan))
}

function assertCases(cases: unknown, action: string): asserts cases is readonly ChanCase[] {
  if (!Array.isArray(cases)) throw new TypeError(invalid(action, 'cases must be an array', cases))
  for (let i = 0; i < cases.length; i++) {
    const item: unknown = cases[i]
    if (!isCase(item)) {
      throw new TypeError(invalid(action, `cases[${i}] must come from receiveCase() or sendCase()`, item))
    }
  }
}

/** A case from {@link receiveCase} or {@link sendCase} of any copy of this package. */
function isCase(item: unknown): item is ChanCase {
  if (item instanceof ChanCase) return true
  if (brandOf<boolean>(item, CASE_BRAND) !== true) return false
  const { kind, chan } = item as Partial<ChanCase>
  return (kind === 'receive' || kind === 'send') && accessOf(chan) !== undefined
}
