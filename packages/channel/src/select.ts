import type { SignalOptions } from '@bigbuff/core'
import { invalid, noop, refuse, resolveSoon } from '@bigbuff/internal'
import type { Chan } from './chan.js'
import { accessOf, type ChanAccess } from './internal/chan-access.js'
import { SelectWaiter } from './internal/select-waiter.js'
import { sendClosed } from './internal/waiters.js'

/**
 * One case of a {@link select}: a receive from or a send to a channel, made by {@link receiveCase}
 * or {@link sendCase}. Cases hold no state of their own and can be reused across selects.
 */
export interface SelectCase {
  /** Which operation the case performs. */
  readonly kind: 'receive' | 'send'
}

/** The case a {@link select} performed. */
export interface SelectResult {
  /** The position of the performed case in the array given to `select`. */
  readonly index: number
  /** The value received (receive cases); `undefined` for send cases and closed channels. */
  readonly value: unknown
  /** False only for a receive case on a closed, drained channel (Go's `v, ok := <-ch`). */
  readonly ok: boolean
}

/** The concrete case; every `SelectCase` the package accepts is one of these. */
export class ChanCase implements SelectCase {
  readonly kind: 'receive' | 'send'
  readonly chan: Chan<unknown>
  readonly value: unknown

  constructor(kind: 'receive' | 'send', chan: Chan<unknown>, value: unknown) {
    this.kind = kind
    this.chan = chan
    this.value = value
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
export function receiveCase<T>(chan: Chan<T>): SelectCase {
  assertChan(chan, 'create receive case')
  return new ChanCase('receive', chan, undefined)
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
export function sendCase<T>(chan: Chan<T>, value: T): SelectCase {
  assertChan(chan, 'create send case')
  return new ChanCase('send', chan, value)
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
export function select(cases: readonly SelectCase[], options?: SignalOptions): Promise<SelectResult> {
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
    let result: SelectResult
    try {
      result = perform(cases[index] as ChanCase, index)
    } catch (error) {
      return Promise.reject(error)
    }
    return resolveSoon(result)
  }
  // select([]) without a signal waits forever, as in Go.
  if (cases.length === 0 && signal === undefined) return new Promise<SelectResult>(noop)
  return waitToSelect(cases, signal)
}

// Kept apart so the fast path of select() allocates no closure context.
function waitToSelect(cases: readonly ChanCase[], signal: AbortSignal | undefined): Promise<SelectResult> {
  return new Promise<SelectResult>((resolve, reject) => {
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
export function trySelect(cases: readonly SelectCase[]): SelectResult | undefined {
  assertCases(cases, 'try select')
  const index = pickReady(cases)
  return index < 0 ? undefined : perform(cases[index] as ChanCase, index)
}

/** Picks one ready case uniformly at random (reservoir sampling, no allocation); -1 when none is. */
function pickReady(cases: readonly SelectCase[]): number {
  let chosen = -1
  let ready = 0
  for (let i = 0; i < cases.length; i++) {
    const { kind, chan } = cases[i] as ChanCase
    // Each channel is acted on by the copy of this package that made it (see accessOf).
    const access = accessOf(chan) as ChanAccess
    if (!(kind === 'receive' ? access.canReceive(chan) : access.canSend(chan))) continue
    ready++
    if (ready === 1 || Math.random() * ready < 1) chosen = i
  }
  return chosen
}

/** Precondition: the case is ready. */
function perform({ kind, chan, value }: ChanCase, index: number): SelectResult {
  const access = accessOf(chan) as ChanAccess
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
  if (typeof item !== 'object' || item === null) return false
  const { kind, chan } = item as Partial<ChanCase>
  return (kind === 'receive' || kind === 'send') && accessOf(chan) !== undefined
}
